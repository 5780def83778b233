import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// esbuild drops decorator metadata, which Nest's dependency injection needs: SWC keeps it.
const plugins = [swc.vite({ module: { type: 'es6' } })];
const resolve = { conditions: ['source'] };

export default defineConfig({
  plugins,
  resolve,
  test: {
    reporters: ['default'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/hsm/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/db/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          provide: { storage: 'postgres' },
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: 'embedded',
          include: ['test/e2e/**/*.test.ts'],
          provide: { storage: 'embedded' },
          maxWorkers: 2,
        },
      },
    ],
  },
});

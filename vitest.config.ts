import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// esbuild drops decorator metadata, which Nest's dependency injection needs: SWC keeps it.
const plugins = [swc.vite({ module: { type: 'es6' } })];
const resolve = { conditions: ['source'] };
// Node-side (SSR) resolution has its own conditions: without this, `#lib` imports load dist/.
const ssr = { resolve: { conditions: ['source'], externalConditions: ['source'] } };

export default defineConfig({
  plugins,
  resolve,
  ssr,
  test: {
    reporters: ['default'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/hsm/**/*.test.ts', 'test/pos/**/*.test.ts', 'test/sms/**/*.test.ts', 'test/voice/**/*.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/db/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          provide: { storage: 'postgres' },
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'embedded',
          include: ['test/e2e/**/*.test.ts'],
          provide: { storage: 'embedded' },
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
      {
        // Headless Chromium against the running app (test/support/browser.ts), one file at a time, last.
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});

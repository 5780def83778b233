import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// For running test/db alone: `npx vitest run -c test/db/vitest.db.config.ts`.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { root: fileURLToPath(new URL('../..', import.meta.url)), include: ['test/db/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
});

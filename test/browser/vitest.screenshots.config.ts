import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config.js';

/**
 * `npm run screenshots`: the *.shots.ts files (not part of `npm test`) sign in and save PNGs of the
 * main pages into docs/screenshots/, at a phone and a desktop width.
 */
export default mergeConfig(
  { ...base, test: { ...base.test, projects: undefined } },
  defineConfig({
    root: fileURLToPath(new URL('../..', import.meta.url)),
    test: { name: 'screenshots', include: ['test/browser/**/*.shots.ts'], maxWorkers: 1, testTimeout: 120_000 },
  }),
);

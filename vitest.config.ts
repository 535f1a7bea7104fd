import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Tests import the workspaces' TypeScript sources directly, so `vitest` needs no build first. */
const alias = Object.fromEntries(
  ['collector', 'baseliner', 'generator'].map((name) => [
    `@palisade/${name}`,
    fileURLToPath(new URL(`./${name}/src/index.ts`, import.meta.url)),
  ]),
);

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['{collector,baseliner,generator}/src/**/*.test.ts'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/env/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Tests import the workspaces' TypeScript sources directly, so `vitest` needs no build first. Each
 * entry a package exports (`@palisade/collector`, `@palisade/collector/kafka`, …) is aliased to its
 * source file, read from the package's own `exports` map so the two never drift apart.
 */
const alias = ['collector', 'baseliner', 'generator'].flatMap((name) => {
  const manifest = JSON.parse(readFileSync(new URL(`./${name}/package.json`, import.meta.url), 'utf8')) as {
    exports: Record<string, { default: string }>;
  };
  return Object.entries(manifest.exports).map(([subpath, target]) => ({
    find: new RegExp(`^@palisade/${name}${subpath === '.' ? '' : subpath.slice(1).replace('/', '\\/')}$`),
    replacement: fileURLToPath(new URL(`./${name}/${target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')}`, import.meta.url)),
  }));
});

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['{collector,baseliner,generator}/src/**/*.test.ts', 'test/architecture/**/*.test.ts'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/architecture/**', '**/node_modules/**'],
          globalSetup: ['test/env/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

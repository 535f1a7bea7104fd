import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCircles, findLayerViolations, readImportGraph, type ImportGraph } from './import-graph.js';

/**
 * The layout is the design: each package's folders are its pipeline stages, lowest first, and a
 * stage never reaches up to a later one. These tests keep it so (docs/LAYOUT.md draws the tree).
 */
const PACKAGES = [
  {
    name: 'collector',
    floors: ['flow', 'identity', 'adapters', 'pipeline', 'sources', 'sinks', 'service'],
    base: ['errors.ts', 'retry.ts', 'zod-message.ts', 'secret-redaction.ts', 'env-boolean.ts'],
    upstream: [] as string[],
  },
  {
    name: 'baseliner',
    floors: ['model', 'store', 'service'],
    base: ['errors.ts'],
    upstream: ['collector'],
    forbidden: [{ from: 'store', to: 'store/redis', why: 'the store interface and the memory store know nothing of Redis' }],
  },
  {
    name: 'generator',
    floors: ['evaluator', 'synthesis', 'verify', 'render', 'io', 'cluster', 'publish', 'app', 'cli'],
    base: ['errors.ts'],
    upstream: ['collector', 'baseliner'],
  },
] as const;

const graphs = new Map<string, ImportGraph>(PACKAGES.map((pkg) => [pkg.name, readImportGraph(fileURLToPath(new URL(`../../${pkg.name}/src`, import.meta.url)))]));

describe.each(PACKAGES)('$name', (pkg) => {
  const graph = graphs.get(pkg.name)!;

  it('has sources to check', () => {
    expect(graph.files.length).toBeGreaterThan(10);
  });

  it('has no import circles', () => {
    expect(findCircles(graph)).toEqual([]);
  });

  it('never imports up a floor', () => {
    const violations = findLayerViolations(graph, { floors: pkg.floors, base: pkg.base, forbidden: 'forbidden' in pkg ? pkg.forbidden : [] });
    expect(violations).toEqual([]);
  });

  it('depends on upstream packages only, and never on its own entry', () => {
    const allowed = new Set<string>(pkg.upstream);
    const wrong: string[] = [];
    for (const file of graph.files) {
      const text = readFileSync(fileURLToPath(new URL(`../../${pkg.name}/src/${file}`, import.meta.url)), 'utf8');
      for (const match of text.matchAll(/['"]@palisade\/([a-z]+)(?:\/[a-z-]+)?['"]/g)) {
        const target = match[1] ?? '';
        if (!allowed.has(target)) wrong.push(`${file} → @palisade/${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('the checker itself', () => {
  const graph = (edges: Record<string, string[]>): ImportGraph => ({ files: Object.keys(edges).sort(), imports: new Map(Object.entries(edges)) });

  it('finds a circle through three files and leaves a chain alone', () => {
    expect(findCircles(graph({ 'a/x.ts': ['b/y.ts'], 'b/y.ts': ['c/z.ts'], 'c/z.ts': ['a/x.ts'], 'd/w.ts': ['a/x.ts'] }))).toEqual([['a/x.ts', 'b/y.ts', 'c/z.ts']]);
    expect(findCircles(graph({ 'a/x.ts': ['b/y.ts'], 'b/y.ts': [] }))).toEqual([]);
  });

  it('flags an import up a floor, an entry imported from inside, and a base module importing a floor', () => {
    const violations = findLayerViolations(
      graph({ 'low/a.ts': ['high/b.ts'], 'high/b.ts': ['low/a.ts', 'index.ts'], 'errors.ts': ['low/a.ts'], 'index.ts': ['high/b.ts'] }),
      { floors: ['low', 'high'], base: ['errors.ts'], forbidden: [{ from: 'high', to: 'high/inner', why: 'no' }] },
    );
    expect(violations.map((violation) => `${violation.from} → ${violation.to}`)).toEqual(['low/a.ts → high/b.ts', 'high/b.ts → index.ts', 'errors.ts → low/a.ts']);
    const inner = findLayerViolations(graph({ 'high/b.ts': ['high/inner/c.ts'], 'high/inner/c.ts': ['high/b.ts'] }), { floors: ['high'], base: [], forbidden: [{ from: 'high', to: 'high/inner', why: 'no' }] });
    expect(inner.map((violation) => `${violation.from} → ${violation.to}: ${violation.reason}`)).toEqual(['high/b.ts → high/inner/c.ts: no']);
  });

  it('refuses a folder that has no floor, so a new folder is placed on purpose', () => {
    expect(() => findLayerViolations(graph({ 'stray/a.ts': [] }), { floors: ['low'], base: [] })).toThrow(/"stray" is not in the package's floors/);
  });
});

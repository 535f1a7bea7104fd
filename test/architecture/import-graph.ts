import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The import graph of one package's sources, read from the files' own import and export
 * specifiers (static, dynamic and type-only alike: a type-only circle is still a circle a reader
 * has to untangle). Only relative specifiers count; packages are checked by their entries.
 */
export interface ImportGraph {
  /** Source files, relative to the package's `src/`, with `/` separators. */
  readonly files: readonly string[];
  /** For each file, the files it imports (relative to `src/`). */
  readonly imports: ReadonlyMap<string, readonly string[]>;
}

/** One import that runs against the package's layering. */
export interface LayerViolation {
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;

/** Reads the import graph of `srcDir`, tests included (they may not close a circle). */
export function readImportGraph(srcDir: string): ImportGraph {
  const files = listSources(srcDir);
  const known = new Set(files);
  const imports = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(srcDir, file), 'utf8');
    const targets = new Set<string>();
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[2] ?? '';
      const target = toSourcePath(relative(srcDir, resolve(srcDir, dirname(file), specifier)));
      if (known.has(target)) targets.add(target);
    }
    imports.set(file, [...targets].sort());
  }
  return { files, imports };
}

/** Every import circle (strongly connected component of more than one file, or a self-import). */
export function findCircles(graph: ImportGraph): string[][] {
  // Tarjan's algorithm, iterative enough for a few hundred files.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.imports.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || (graph.imports.get(file) ?? []).includes(file)) circles.push(component.sort());
    }
  };
  for (const file of graph.files) if (!index.has(file)) visit(file);
  return circles;
}

/**
 * Imports that go up a floor. `floors` lists the package's top-level folders lowest first; a
 * file may import its own floor or a lower one. Files directly in `src/` are either below every
 * floor (`base`, e.g. `errors.ts`) or the package's entries, which may import anything and which
 * nothing inside the package may import. `forbidden` adds imports that one floor may not make inside
 * itself: from files directly in folder `from` to files under folder `to`.
 */
export function findLayerViolations(
  graph: ImportGraph,
  rules: {
    readonly floors: readonly string[];
    readonly base: readonly string[];
    readonly forbidden?: readonly { readonly from: string; readonly to: string; readonly why: string }[];
  },
): LayerViolation[] {
  const floorOf = (file: string): number | 'base' | 'entry' => {
    const top = file.includes('/') ? file.slice(0, file.indexOf('/')) : undefined;
    if (top === undefined) return rules.base.includes(file) ? 'base' : 'entry';
    const floor = rules.floors.indexOf(top);
    if (floor < 0) throw new Error(`${file}: folder "${top}" is not in the package's floors (${rules.floors.join(' < ')}); add it where it belongs`);
    return floor;
  };
  const violations: LayerViolation[] = [];
  for (const [from, targets] of graph.imports) {
    // A test is a leaf nothing imports, so it cannot make a floor depend on a higher one; tests
    // that drive a stage through the pipeline above it (the adapters on the real samples) stay
    // next to the code they prove.
    if (from.endsWith('.test.ts')) continue;
    const fromFloor = floorOf(from);
    for (const to of targets) {
      const toFloor = floorOf(to);
      if (toFloor === 'entry' && fromFloor !== 'entry') {
        violations.push({ from, to, reason: 'imports a package entry from inside the package; import the module itself' });
      } else if (fromFloor === 'base' && toFloor !== 'base') {
        violations.push({ from, to, reason: 'a base module (below every floor) imports a floor' });
      } else if (typeof fromFloor === 'number' && typeof toFloor === 'number' && toFloor > fromFloor) {
        violations.push({ from, to, reason: `floor "${rules.floors[fromFloor]}" imports the higher floor "${rules.floors[toFloor]}"` });
      }
      for (const rule of rules.forbidden ?? []) {
        if (dirname(from) === rule.from && to.startsWith(`${rule.to}/`)) violations.push({ from, to, reason: rule.why });
      }
    }
  }
  return violations;
}

function listSources(srcDir: string): string[] {
  return (readdirSync(srcDir, { recursive: true, encoding: 'utf8' }) as string[])
    .map((file) => file.split(sep).join('/'))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.includes('__snapshots__/'))
    .sort();
}

/** `./x.js` in an import names the source `x.ts`. */
function toSourcePath(path: string): string {
  const posix = path.split(sep).join('/');
  return posix.endsWith('.js') ? `${posix.slice(0, -3)}.ts` : posix;
}

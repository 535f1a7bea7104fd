import type { LabelSelector } from '@palisade/collector';
import { isEmptySelector, selectorMatches } from './label-selector.js';

/**
 * A label selector prepared for matching millions of times: `matchLabels` as a flat list of pairs
 * and emptiness decided once, so a match allocates nothing. `matchExpressions` go through the
 * shared {@link selectorMatches}, which stays the one definition of the operators.
 */
export interface CompiledSelector {
  /** The selector as written. */
  readonly selector: LabelSelector;
  /** True for `{}`: selects everything. */
  readonly empty: boolean;
  readonly pairs: readonly (readonly [key: string, value: string])[];
  /** The `matchExpressions` part alone, when there is one. */
  readonly expressions?: LabelSelector;
}

/** Prepares a selector. */
export function compileSelector(selector: LabelSelector): CompiledSelector {
  const expressions = selector.matchExpressions ?? [];
  return {
    selector,
    empty: isEmptySelector(selector),
    pairs: Object.entries(selector.matchLabels ?? {}),
    ...(expressions.length === 0 ? {} : { expressions: { matchExpressions: expressions } }),
  };
}

/** Same result as `selectorMatches(compiled.selector, labels)`. */
export function compiledSelectorMatches(compiled: CompiledSelector, labels: Readonly<Record<string, string>>): boolean {
  if (compiled.empty) return true;
  const pairs = compiled.pairs;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as readonly [string, string];
    if (labels[pair[0]] !== pair[1]) return false;
  }
  return compiled.expressions === undefined || selectorMatches(compiled.expressions, labels);
}

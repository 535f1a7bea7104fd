import type { AddressRegion } from '../evaluator/connectivity.js';
import type { PortSet } from '../evaluator/port-set.js';
import { isEmptyPortSet, NO_PORTS, portSetKey, subtractPorts, unionPorts } from '../evaluator/port-set.js';

/**
 * Set difference of two (address × port) regions, exact and without enumerating addresses: the
 * address line of each family is cut at every bound of either side into elementary segments, on
 * each of which both sides allow one fixed port set; a sweep keeps only the regions covering the
 * current segment. Adjacent segments with the same difference are merged, then written as CIDRs.
 */

/** One address range `[start, end)` whose ports changed, and those ports. */
export interface RegionChange {
  readonly family: 4 | 6;
  readonly start: bigint;
  readonly end: bigint;
  readonly ports: PortSet;
}

interface Event {
  readonly at: bigint;
  readonly side: 0 | 1;
  readonly index: number;
  readonly opens: boolean;
}

function covering(active: ReadonlyMap<number, PortSet>): PortSet {
  let ports = NO_PORTS;
  for (const set of active.values()) ports = unionPorts(ports, set);
  return ports;
}

function push(list: RegionChange[], change: RegionChange): void {
  const last = list[list.length - 1];
  if (last !== undefined && last.family === change.family && last.end === change.start && portSetKey(last.ports) === portSetKey(change.ports))
    list[list.length - 1] = { ...last, end: change.end };
  else list.push(change);
}

/** What `proposed` allows that `current` does not (`allowed`), and the reverse (`denied`). */
export function diffRegions(current: readonly AddressRegion[], proposed: readonly AddressRegion[]): { allowed: RegionChange[]; denied: RegionChange[] } {
  const allowed: RegionChange[] = [];
  const denied: RegionChange[] = [];
  for (const family of [4, 6] as const) {
    const events: Event[] = [];
    const sides = [current, proposed] as const;
    sides.forEach((regions, side) =>
      regions.forEach((region, index) => {
        if (region.family !== family || region.start >= region.end) return;
        events.push({ at: region.start, side: side as 0 | 1, index, opens: true }, { at: region.end, side: side as 0 | 1, index, opens: false });
      }),
    );
    if (events.length === 0) continue;
    events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const active: [Map<number, PortSet>, Map<number, PortSet>] = [new Map(), new Map()];
    let i = 0;
    while (i < events.length) {
      const at = (events[i] as Event).at;
      for (; i < events.length && (events[i] as Event).at === at; i++) {
        const event = events[i] as Event;
        if (event.opens) active[event.side].set(event.index, (sides[event.side][event.index] as AddressRegion).ports);
        else active[event.side].delete(event.index);
      }
      const next = events[i]?.at;
      if (next === undefined) break;
      if (active[0].size === 0 && active[1].size === 0) continue;
      const before = covering(active[0]);
      const after = covering(active[1]);
      const gained = subtractPorts(after, before);
      const lost = subtractPorts(before, after);
      if (!isEmptyPortSet(gained)) push(allowed, { family, start: at, end: next, ports: gained });
      if (!isEmptyPortSet(lost)) push(denied, { family, start: at, end: next, ports: lost });
    }
  }
  return { allowed, denied };
}

function addressText(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
  // RFC 5952: the longest run of two or more zero groups becomes `::`.
  let best = { at: -1, length: 1 };
  for (let at = 0; at < 8; ) {
    if (groups[at] !== '0') {
      at++;
      continue;
    }
    let end = at;
    while (end < 8 && groups[end] === '0') end++;
    if (end - at > best.length) best = { at, length: end - at };
    at = end;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`;
}

/** The fewest CIDRs that cover `[start, end)` exactly. */
export function cidrsOfRange(family: 4 | 6, start: bigint, end: bigint): string[] {
  const bits = family === 4 ? 32n : 128n;
  const cidrs: string[] = [];
  let at = start;
  while (at < end) {
    let size = 1n;
    // Grow the block while it stays aligned and inside the range.
    while (size < 1n << bits && at % (size * 2n) === 0n && at + size * 2n <= end) size *= 2n;
    let prefix = bits;
    for (let s = size; s > 1n; s >>= 1n) prefix -= 1n;
    cidrs.push(`${addressText(family, at)}/${prefix}`);
    at += size;
  }
  return cidrs;
}

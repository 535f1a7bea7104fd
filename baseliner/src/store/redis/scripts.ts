import { readFileSync } from 'node:fs';

/**
 * The Lua scripts of the Redis baseline store, one file each in `scripts/` (as BullMQ keeps its
 * `commands/*.lua`), each headed by the KEYS and ARGV it takes. Each touches the keys of one owner
 * only (one hash tag, so it runs on Redis Cluster), is atomic, and is written to be re-run safely:
 * the upsert checks and stores the owner's last applied offset in the same step as the edges.
 *
 * Code shared by several scripts (the edge merge rule, the value formats of `edge-codec.ts`, the
 * chunked calls) lives once in `scripts/includes/` and is pasted in where a script has a line
 * `--- @include "name"`: Redis runs a script as one self-contained text.
 */

/** A script and how many keys it takes. */
export interface LuaScript {
  /** The command name it is registered under (`defineCommand`). */
  readonly name: string;
  readonly numberOfKeys: number;
  /** Its file in `scripts/`, without `.lua`. */
  readonly file: string;
}

/** Upserts one owner's pre-aggregated update (see `scripts/upsert-owner.lua`). */
export const UPSERT_OWNER: LuaScript = { name: 'palisadeUpsertOwner', numberOfKeys: 4, file: 'upsert-owner' };

/** Expires one owner's old edges and observations (see `scripts/refresh-owner.lua`). */
export const REFRESH_OWNER: LuaScript = { name: 'palisadeRefreshOwner', numberOfKeys: 3, file: 'refresh-owner' };

/** Moves one owner's anomalies into its edges (see `scripts/approve-owner.lua`). */
export const APPROVE_OWNER: LuaScript = { name: 'palisadeApproveOwner', numberOfKeys: 2, file: 'approve-owner' };

/** Raises partition offsets, never lowering one (see `scripts/raise-offsets.lua`). */
export const RAISE_OFFSETS: LuaScript = { name: 'palisadeRaiseOffsets', numberOfKeys: 1, file: 'raise-offsets' };

/** Every script, for registration with the client. */
export const BASELINE_SCRIPTS: readonly LuaScript[] = [UPSERT_OWNER, REFRESH_OWNER, APPROVE_OWNER, RAISE_OFFSETS];

const INCLUDE = /^--- @include "([a-z-]+)"$/gm;

/**
 * The Lua text of a script, its includes pasted in. Read from the files next to this module
 * (`dist/store/redis/scripts/` once built: the package's build copies them there).
 */
export function luaSource(script: LuaScript): string {
  const text = readLua(`./scripts/${script.file}.lua`);
  return text.replace(INCLUDE, (_, include: string) => readLua(`./scripts/includes/${include}.lua`));
}

function readLua(path: string): string {
  return readFileSync(new URL(path, import.meta.url), 'utf8');
}

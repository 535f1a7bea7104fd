import { describe, expect, it } from 'vitest';
import { BASELINE_SCRIPTS, luaSource } from './scripts.js';

describe.each(BASELINE_SCRIPTS)('the Lua script $name', (script) => {
  const lua = luaSource(script);

  it('has every include pasted in', () => {
    expect(lua).not.toMatch(/^--- @include/m);
  });

  it('documents exactly the KEYS it uses, and uses no more than it declares', () => {
    const used = [...lua.matchAll(/KEYS\[(\d+)\]/g)].map((match) => Number(match[1]));
    expect(Math.max(...used)).toBe(script.numberOfKeys);
    const header = lua.slice(0, lua.indexOf(']]'));
    for (let key = 1; key <= script.numberOfKeys; key++) expect(header).toContain(`KEYS[${key}]`);
  });

  it('defines each shared function once', () => {
    for (const name of ['chunked', 'merge_edge', 'parse_edge', 'parse_observation']) {
      expect(lua.split(`local function ${name}(`).length).toBeLessThanOrEqual(2);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { numberOf, textOf } from './json.js';

describe('textOf / numberOf: text and numbers of untrusted JSON values', () => {
  it('are String() and Number() for what JavaScript converts', () => {
    for (const v of ['a', 3, -1.5, true, null, undefined, [1, 2], {}, { valueOf: 0 }]) {
      expect(textOf(v)).toBe(String(v));
      expect(numberOf(v)).toBe(Number(v));
    }
  });

  it('are undefined for a JSON object whose toString and valueOf are not functions, where String() and Number() throw', () => {
    const poison = JSON.parse('{"toString": 0, "valueOf": 0}') as unknown;
    expect(() => String(poison)).toThrow(TypeError);
    for (const v of [poison, [poison], { toString: 1 }]) {
      expect(textOf(v)).toBeUndefined();
      expect(numberOf(v)).toBeUndefined();
    }
  });
});

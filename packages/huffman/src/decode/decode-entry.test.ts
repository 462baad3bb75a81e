import { moduleImports } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';

describe('@dc/huffman/decode entry', () => {
  it('imports nothing but @dc/core and its own folder (usable without the encoder)', () => {
    const specifiers = moduleImports(new URL('.', import.meta.url));
    expect(specifiers.length).toBeGreaterThan(3);
    expect(specifiers.filter((s) => s !== '@dc/core' && !/^\.\/[\w-]+\.js$/.test(s))).toEqual([]);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { dump } from 'npyjs';
import { describe, expect, it } from 'vitest';
import { readNpy, readNpyShape } from './npy.js';

describe('readNpyShape: a .npy array\'s shape from its header alone', () => {
  it('gives the shape readNpy reads, for every rank, without reading the array', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-npy-'));
    const shapes = [[7], [3, 20], [2, 4, 4, 3], [0, 5]];
    for (const [i, shape] of shapes.entries()) {
      const path = join(dir, `a${i}.npy`);
      writeFileSync(path, Buffer.from(dump(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape)));
      expect(await readNpyShape(path)).toEqual((await readNpy(path)).shape);
      expect(await readNpyShape(path)).toEqual(shape);
    }
  });

  it('refuses what is not a .npy file, or is missing, with the codes readNpy uses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-npy-bad-'));
    writeFileSync(join(dir, 'x.npy'), 'id,label\n1,2\n');
    await expect(readNpyShape(join(dir, 'x.npy'))).rejects.toMatchObject({ code: 'BAD_DATA_FILE', message: expect.stringMatching(/no \.npy header/) });
    await expect(readNpyShape(join(dir, 'missing.npy'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});

/** A version 1.0 `.npy` file: the header dict padded to a multiple of 64 bytes, then `data`. */
function npyFile(dict: string, data: Uint8Array): Buffer {
  const unpadded = 10 + dict.length + 1;
  const header = `${dict}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}
const dictOf = (descr: string, shape: readonly number[]) => `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;

describe('readNpy: a header that does not describe its data is BAD_DATA_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dc-npy-forged-'));
  const read = (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return readNpy(path);
  };

  it('a shape the data do not fill or overflow, a size that is not a whole number, a complex dtype: each named', async () => {
    const forged: [string, Buffer, RegExp][] = [
      ['huge', npyFile(dictOf('<f4', [1e9, 784]), new Uint8Array(0)), /shape \(1000000000, 784\), 784000000000 values of f4, and it holds 0$/],
      ['truncated', npyFile(dictOf('<f4', [10, 784]), new Uint8Array(100)), /7840 values of f4, and it holds 25$/],
      ['longer', npyFile(dictOf('<f4', [2]), new Uint8Array(40)), /2 values of f4, and it holds 10$/],
      ['negative', npyFile(dictOf('<f4', [-3, 2]), new Uint8Array(24)), /shape \(-3, 2\) is not a list of sizes$/],
      ['fraction', npyFile(dictOf('<f4', [1.5, 2]), new Uint8Array(12)), /shape \(1\.5, 2\) is not a list of sizes$/],
      ['complex', npyFile(dictOf('<c8', [3]), new Uint8Array(24)), /has dtype c8, which dc does not read$/],
    ];
    for (const [name, bytes, message] of forged) await expect(read(`${name}.npy`, bytes), name).rejects.toMatchObject({ code: 'BAD_DATA_FILE', message });
    await expect(readNpyShape(join(dir, 'negative.npy'))).rejects.toMatchObject({ code: 'BAD_DATA_FILE' });
  });

  it('reads a bool array as 0 and 1', async () => {
    expect(await read('bool.npy', npyFile(dictOf('|b1', [2, 2]), Uint8Array.of(1, 0, 0, 1)))).toEqual({ values: Uint8Array.of(1, 0, 0, 1), shape: [2, 2] });
  });

  it('property: any array reads back as written, and any cut of its data is BAD_DATA_FILE, never another error', async () => {
    const dtypes = { '<f4': Float32Array, '<f8': Float64Array, '|u1': Uint8Array, '<i4': Int32Array } as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...(Object.keys(dtypes) as (keyof typeof dtypes)[])), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }), fc.nat(), async (descr, shape, cut) => {
        const size = shape.reduce((a, b) => a * b, 1);
        const values = new dtypes[descr](size).map((_, i) => (i * 7) % 13);
        const data = new Uint8Array(values.buffer);
        expect(await read('any.npy', npyFile(dictOf(descr, shape), data))).toEqual({ values, shape });
        if (data.length === 0) return;
        const kept = cut % data.length;
        await expect(read('cut.npy', npyFile(dictOf(descr, shape), data.subarray(0, kept)))).rejects.toMatchObject({ code: 'BAD_DATA_FILE' });
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});

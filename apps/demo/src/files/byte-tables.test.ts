/** The byte tables in the demo README are what the recorded JSON renders to, and the JSON is the shipped files. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describeContainer } from '@dc/core';
import { huffmanDecoder } from '@dc/huffman/decode';
import { ransDecoder } from '@dc/rans/decode';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../../', import.meta.url);
const recorded = (name: string) => JSON.parse(readFileSync(new URL(`apps/demo/byte-tables/${name}.json`, root), 'utf8')) as { files: { file: string; bytes: number; sections: unknown }[] };

describe('byte tables (apps/demo/README.md)', () => {
  it('the README holds what scripts/byte-tables.mjs renders from the JSON', () => {
    expect(() => execFileSync(process.execPath, ['scripts/byte-tables.mjs', '--check'], { cwd: root, stdio: 'pipe' })).not.toThrow();
  });

  it('the latest recorded table is the shipped files, section by section', () => {
    let latest;
    try {
      latest = recorded('after');
    } catch {
      latest = recorded('before');
    }
    for (const entry of latest.files) {
      const bytes = new Uint8Array(readFileSync(new URL(`apps/demo/compressed/${entry.file}`, root)));
      expect(entry.bytes).toBe(bytes.length);
      expect(JSON.parse(JSON.stringify(describeContainer(bytes, { decoders: [huffmanDecoder, ransDecoder] })))).toEqual(entry.sections);
    }
  });
});

import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { thrownErrorCode as codeOf } from '../testing/error-code.js';
import { deflateBomb } from '../testing/deflate-bomb.js';
import { forgeDeflatedHeader } from '../testing/forge-container.js';
import { assembleFile, readPreamble } from './framing.js';
import { MAX_HEADER_BYTES } from './limits.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const json = JSON.stringify({ model: { name: 'x', layers: Array.from({ length: 40 }, (_, i) => ({ name: `dense_${i}` })) } });

/** CPU milliseconds `fn` takes (user + system), whatever it throws. */
function cpuMs(fn: () => unknown): number {
  const t0 = process.cpuUsage();
  try {
    fn();
  } catch {
    // measured either way
  }
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
}

describe('bounded header inflate', () => {
  it('rejects a 4 GiB deflate bomb in a ~4 MB file after inflating at most its declared length', () => {
    const bomb = deflateBomb(4096);
    expect(bomb.length).toBeGreaterThan(4_000_000);
    expect(bomb.length).toBeLessThan(4_400_000);
    for (const declared of [json.length, MAX_HEADER_BYTES]) {
      const file = forgeDeflatedHeader(bomb, declared);
      expect(codeOf(() => readPreamble(file))).toBe('BAD_HEADER');
      expect(() => readPreamble(file)).toThrow(/more than the \d+ bytes/);
      // Inflating all 4 GiB took > 120 s of CPU before; the bound here is generous on purpose
      // (speed belongs in `pnpm fuzz`, which reports the measured figure).
      expect(cpuMs(() => readPreamble(file))).toBeLessThan(2000);
    }
  });

  it('rejects a header that inflates to more than declared even when the declared prefix is valid JSON', () => {
    const longer = deflateSync(utf8(json + ' '.repeat(64) + 'trailing text'));
    const file = forgeDeflatedHeader(longer, json.length + 64);
    expect(codeOf(() => readPreamble(file))).toBe('BAD_HEADER');
    expect(() => readPreamble(file)).toThrow(/more than the \d+ bytes/);
  });

  it('rejects a deflate stream with bytes after its final block, or one that ends early', () => {
    const good = deflateSync(utf8(json));
    expect(readPreamble(forgeDeflatedHeader(good, json.length)).header).toEqual(JSON.parse(json));
    for (const extra of [[0], [0xde, 0xad], Array.from(good)]) {
      const trailing = Uint8Array.from([...good, ...extra]);
      expect(codeOf(() => readPreamble(forgeDeflatedHeader(trailing, json.length)))).toBe('BAD_HEADER');
      expect(() => readPreamble(forgeDeflatedHeader(trailing, json.length))).toThrow(/after its final block/);
    }
    for (let cut = 0; cut < good.length; cut++) {
      expect([cut, codeOf(() => readPreamble(forgeDeflatedHeader(good.subarray(0, cut), json.length)))]).toEqual([cut, 'BAD_HEADER']);
    }
  });

  it('rejects a header of more than MAX_HEADER_BYTES, stored plain or declared when deflated', () => {
    const big = `{"pad":"${' '.repeat(MAX_HEADER_BYTES)}"}`;
    expect(codeOf(() => readPreamble(assembleFile({ bytes: utf8(big), flags: 0, inflatedLength: 0 }, [], [], 0)))).toBe('BAD_HEADER');
    const deflated = deflateSync(utf8(big));
    expect(codeOf(() => readPreamble(forgeDeflatedHeader(deflated, big.length)))).toBe('BAD_HEADER');
  });

  it('rejects a UTF-8 byte order mark before the JSON, plain or deflated', () => {
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8(json)]);
    expect(codeOf(() => readPreamble(assembleFile({ bytes: bom, flags: 0, inflatedLength: 0 }, [], [], 0)))).toBe('BAD_HEADER');
    expect(codeOf(() => readPreamble(forgeDeflatedHeader(deflateSync(bom), bom.length)))).toBe('BAD_HEADER');
    // Without the BOM, both read.
    expect(codeOf(() => readPreamble(assembleFile({ bytes: utf8(json), flags: 0, inflatedLength: 0 }, [], [], 0)))).toBe('no error');
  });
});

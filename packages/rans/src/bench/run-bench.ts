/**
 * The rANS benchmark: decode and encode speed on one core for the kinds of stream a `.dcm` holds
 * (clustered-weight codes, relative indices, codes whose sign persists: two tables), bits per
 * symbol against the stream's entropy, and optionally another coder timed on the same streams in
 * the same run (ratios side by side). Not a test: figures vary by machine.
 */
import { createRandom, entropyOf, histogram, type RandomSource } from '@dc/core';
import { decodeRans } from '../decode/rans-decode.js';
import { readStreamTables } from '../decode/stream-table.js';
import { encodeRans } from '../encode/rans-encode.js';

/** A coder to time beside rANS on the same streams (e.g. `@dc/huffman`'s). */
export interface ReferenceCoder {
  readonly name: string;
  encode(symbols: Uint8Array, bits: number): { data: Uint8Array; tableBytes: number } | undefined;
  decode(data: Uint8Array, count: number, bits: number): Uint8Array | Uint16Array;
}

/** Figures for one stream. */
export interface RansStreamBench {
  readonly stream: string;
  readonly symbols: number;
  readonly bits: number;
  /** Order-0 empirical entropy, bits per symbol. */
  readonly entropy: number;
  /** Coded payload (tables excluded), bits per symbol. */
  readonly bitsPerSymbol: number;
  readonly tableBytes: number;
  /** 0: one table, else the context threshold of the two tables. */
  readonly threshold: number;
  /** Decode speed (tables built on every decode, as a reader does), best run, this process's CPU time (one core, steadier under load). */
  readonly decodeSymbolsPerSecond: number;
  /** The same, wall-clock. */
  readonly decodeWallSymbolsPerSecond: number;
  readonly encodeSymbolsPerSecond: number;
  /** The reference coder on the same stream, when one was given. */
  readonly reference?: { readonly name: string; readonly bitsPerSymbol: number; readonly decodeSymbolsPerSecond: number };
}

/** What {@link runRansBench} measured. */
export interface RansBenchResult {
  readonly name: '@dc/rans';
  readonly node: string;
  /** Decode target of issue #16, symbols per second of CPU time. */
  readonly target: number;
  readonly streams: readonly RansStreamBench[];
}

/** Options of {@link runRansBench}. */
export interface RansBenchOptions {
  /**
   * Symbols per stream (default 20,000: the size of a LeNet layer's streams, so the tables and
   * their scale are those of real files; each timing decodes the stream `repeat` times).
   */
  readonly symbols?: number;
  /** Decodes per timing (default 200). */
  readonly repeat?: number;
  /** Timed repetitions (default 15). */
  readonly runs?: number;
  readonly reference?: ReferenceCoder;
}

const gaussian = (r: RandomSource) => Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());

/** The benchmark's streams: `[name, symbols, bits]`. */
export function benchStreams(n: number, seed = 1): Array<[string, Uint8Array, number]> {
  const r = createRandom(seed);
  const codes = Uint8Array.from({ length: n }, () => Math.min(31, Math.max(0, Math.floor(((gaussian(r) + 3) / 6) * 32))));
  const gaps: number[] = [];
  for (let gap = 0; gaps.length < n; ) {
    if (r.next() >= 0.075) {
      gap++;
      continue;
    }
    for (; gap >= 127; gap -= 127) gaps.push(127);
    gaps.push(gap);
    gap = 0;
  }
  let high = false;
  const signs = codes.map((c) => {
    if (r.next() < 0.25) high = !high;
    return (high ? 16 : 0) + (c % 16);
  });
  return [
    ['5-bit clustered Gaussian codes', codes, 5],
    ['7-bit relative indices, 7.5% kept', Uint8Array.from(gaps.slice(0, n)), 7],
    ['5-bit codes with persistent signs (two tables)', signs, 5],
  ];
}

/** Best CPU and wall milliseconds of `runs` calls. */
function best(runs: number, fn: () => void): { cpu: number; wall: number } {
  let cpu = Infinity;
  let wall = Infinity;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall = Math.min(wall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  return { cpu: Math.max(cpu, 1e-3), wall: Math.max(wall, 1e-3) };
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** Runs the benchmark (about a minute at the default sizes). */
export async function runRansBench(options: RansBenchOptions = {}): Promise<RansBenchResult> {
  const n = options.symbols ?? 20_000;
  const repeat = options.repeat ?? 200;
  const runs = options.runs ?? 15;
  const decoded = n * repeat;
  let check = 0;
  const decodeAll = (decode: ReferenceCoder['decode'], data: Uint8Array, bits: number) => () => {
    for (let k = 0; k < repeat; k++) check += decode(data, n, bits)[n - 1];
  };
  const streams = benchStreams(n).map(([stream, symbols, bits]): RansStreamBench => {
    const enc = encodeRans(symbols, bits)!;
    best(3, decodeAll(decodeRans, enc.data, bits));
    const dec = best(runs, decodeAll(decodeRans, enc.data, bits));
    const encTime = best(Math.max(2, Math.floor(runs / 5)), () => {
      for (let k = 0; k < Math.max(1, repeat / 10); k++) encodeRans(symbols, bits);
    });
    let reference: RansStreamBench['reference'];
    const ref = options.reference;
    if (ref) {
      const refEnc = ref.encode(symbols, bits)!;
      best(3, decodeAll(ref.decode, refEnc.data, bits));
      const refDec = best(runs, decodeAll(ref.decode, refEnc.data, bits));
      reference = { name: ref.name, bitsPerSymbol: round(((refEnc.data.length - refEnc.tableBytes) * 8) / n), decodeSymbolsPerSecond: Math.round(decoded / (refDec.cpu / 1000)) };
    }
    if (check < 0) throw new Error('unreachable: keeps the decode results alive');
    return {
      stream,
      symbols: n,
      bits,
      entropy: round(entropyOf(histogram(symbols, bits))),
      bitsPerSymbol: round(((enc.data.length - enc.tableBytes) * 8) / n),
      tableBytes: enc.tableBytes,
      threshold: readStreamTables(enc.data, bits).threshold,
      decodeSymbolsPerSecond: Math.round(decoded / (dec.cpu / 1000)),
      decodeWallSymbolsPerSecond: Math.round(decoded / (dec.wall / 1000)),
      encodeSymbolsPerSecond: Math.round((n * Math.max(1, repeat / 10)) / (encTime.cpu / 1000)),
      ...(reference ? { reference } : {}),
    };
  });
  return { name: '@dc/rans', node: process.version, target: 100e6, streams };
}

/** The result as a text table. */
export function formatRansBench(r: RansBenchResult): string {
  const m = (x: number) => `${(x / 1e6).toFixed(1)} M/s`;
  const head = ['stream', 'entropy', 'bits/symbol', 'decode (CPU)', 'wall', 'encode', `>= ${r.target / 1e6} M/s`, 'reference: bits/symbol, decode (CPU)'];
  const rows = r.streams.map((s) => [
    s.stream,
    s.entropy.toFixed(3),
    `${s.bitsPerSymbol.toFixed(3)}${s.threshold ? ' (2 tables)' : ''}`,
    m(s.decodeSymbolsPerSecond),
    m(s.decodeWallSymbolsPerSecond),
    m(s.encodeSymbolsPerSecond),
    s.decodeSymbolsPerSecond >= r.target ? 'ok' : 'MISSED',
    s.reference ? `${s.reference.name} ${s.reference.bitsPerSymbol.toFixed(3)}, ${m(s.reference.decodeSymbolsPerSecond)} (rANS ${(s.decodeSymbolsPerSecond / s.reference.decodeSymbolsPerSecond).toFixed(2)}x)` : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [`@dc/rans benchmark (Node ${r.node}; streams of ${r.streams[0]?.symbols ?? 0} symbols, as a LeNet layer's, each decoded many times)`, line(head), ...rows.map(line)].join('\n');
}

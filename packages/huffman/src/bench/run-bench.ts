/**
 * The Huffman benchmark: decode and encode speed of the codec on one core, and the whole-file
 * decode time of a compressed LeNet-300-100-sized model. Not a test: figures vary by machine.
 */
import { decodeContainer, encodeContainer, float32Bytes } from '@dc/core';
import { decodeHuffman, huffmanDecoder } from '../decode/index.js';
import { encodeHuffman, huffmanEncoder } from '../encode/huffman-encode.js';
import { gaussianCodes, syntheticLenet300 } from './synthetic.js';

/** What {@link runHuffmanBench} measured. */
export interface HuffmanBenchResult {
  readonly name: '@dc/huffman';
  readonly node: string;
  /**
   * Decoding a 5-bit stream of clustered-Gaussian codes, best of several runs. `symbolsPerSecond`
   * counts this process's CPU time (one core, unaffected by other load on a shared machine);
   * `wallSymbolsPerSecond` counts wall-clock time.
   */
  readonly decode: { readonly symbols: number; readonly bitsPerSymbol: number; readonly symbolsPerSecond: number; readonly wallSymbolsPerSecond: number; readonly target: number; readonly meetsTarget: boolean };
  /** Encoding the same stream (histogram, code lengths, bit writing), CPU time and wall-clock. */
  readonly encode: { readonly symbols: number; readonly symbolsPerSecond: number; readonly wallSymbolsPerSecond: number };
  /** A LeNet-300-100-sized model (synthetic weights; 8/9/26% kept, 5-bit codes) as a `.dcm` file. */
  readonly file: {
    readonly bytes: number;
    readonly fixedWidthBytes: number;
    readonly originalBytes: number;
    readonly ratio: number;
    readonly encodeMs: number;
    /** Median wall-clock time of whole-file decodes (CRC checks, header, every stream, positions). */
    readonly decodeMs: number;
    /** Median CPU time of the same. */
    readonly decodeCpuMs: number;
    readonly targetMs: number;
    readonly meetsTarget: boolean;
  };
}

/** Alias for runners that expect a `BenchResult`. */
export type BenchResult = HuffmanBenchResult;

/** Options of {@link runHuffmanBench}. */
export interface HuffmanBenchOptions {
  /** Symbols in the codec stream (default 4 M). */
  symbols?: number;
  /** Timed repetitions (default 15). */
  runs?: number;
}

/** Wall-clock and CPU milliseconds of each run, each list sorted ascending. */
function timeRuns(runs: number, fn: () => void): number[] & { cpu: number[] } {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return Object.assign(times.sort((a, b) => a - b), { cpu: cpu.sort((a, b) => a - b) });
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** Runs the benchmark (a few seconds). */
export async function runHuffmanBench(options: HuffmanBenchOptions = {}): Promise<HuffmanBenchResult> {
  const n = options.symbols ?? 4_000_000;
  const runs = options.runs ?? 15;
  const codes = gaussianCodes(n, 32);
  const enc = encodeHuffman(codes, 5)!;
  let check = 0;
  timeRuns(3, () => (check += decodeHuffman(enc.data, n, 5)[n - 1]));
  const dec = timeRuns(runs, () => (check += decodeHuffman(enc.data, n, 5)[n - 1]));
  const encTimes = timeRuns(Math.max(3, Math.floor(runs / 3)), () => encodeHuffman(codes, 5));

  const lenet = syntheticLenet300(5);
  let file = encodeContainer({ ...lenet }, { encoders: [huffmanEncoder] });
  const fileEnc = timeRuns(5, () => (file = encodeContainer({ ...lenet }, { encoders: [huffmanEncoder] })));
  const fixed = encodeContainer({ ...lenet });
  timeRuns(20, () => decodeContainer(file.bytes, { decoders: [huffmanDecoder] }));
  const fileDec = timeRuns(Math.max(runs, 51), () => decodeContainer(file.bytes, { decoders: [huffmanDecoder] }));
  const median = fileDec[Math.floor(fileDec.length / 2)];
  const symbolsPerSecond = n / (Math.max(dec.cpu[0], 1e-3) / 1000);
  if (check < 0) throw new Error('unreachable: keeps the decode results alive');
  return {
    name: '@dc/huffman',
    node: process.version,
    decode: { symbols: n, bitsPerSymbol: round(((enc.data.length - enc.tableBytes) * 8) / n), symbolsPerSecond: Math.round(symbolsPerSecond), wallSymbolsPerSecond: Math.round(n / (dec[0] / 1000)), target: 100e6, meetsTarget: symbolsPerSecond >= 100e6 },
    encode: { symbols: n, symbolsPerSecond: Math.round(n / (Math.max(encTimes.cpu[0], 1e-3) / 1000)), wallSymbolsPerSecond: Math.round(n / (encTimes[0] / 1000)) },
    file: {
      bytes: file.bytes.length,
      fixedWidthBytes: fixed.bytes.length,
      originalBytes: float32Bytes(lenet.model),
      ratio: round(float32Bytes(lenet.model) / file.bytes.length, 2),
      encodeMs: round(fileEnc[0]),
      decodeMs: round(median),
      decodeCpuMs: round(fileDec.cpu[Math.floor(fileDec.length / 2)]),
      targetMs: 5,
      meetsTarget: median < 5,
    },
  };
}

/** The result as a text table. */
export function formatHuffmanBench(r: HuffmanBenchResult): string {
  const rows: Array<[string, string, string]> = [
    ['Huffman decode (5-bit codes, CPU time)', `${(r.decode.symbolsPerSecond / 1e6).toFixed(1)} M symbols/s`, `>= 100 M/s ${r.decode.meetsTarget ? 'ok' : 'MISSED'}`],
    ['  wall-clock', `${(r.decode.wallSymbolsPerSecond / 1e6).toFixed(1)} M symbols/s`, ''],
    ['Huffman encode (CPU time)', `${(r.encode.symbolsPerSecond / 1e6).toFixed(1)} M symbols/s`, `wall ${(r.encode.wallSymbolsPerSecond / 1e6).toFixed(1)} M/s`],
    ['  bits per symbol (payload)', `${r.decode.bitsPerSymbol}`, ''],
    ['LeNet-300-100 file (synthetic, 5-bit)', `${r.file.bytes} B (fixed-width ${r.file.fixedWidthBytes} B)`, `${r.file.ratio}x of ${r.file.originalBytes} B`],
    ['  whole-file encode', `${r.file.encodeMs} ms`, ''],
    ['  whole-file decode (median, wall)', `${r.file.decodeMs} ms`, `< 5 ms ${r.file.meetsTarget ? 'ok' : 'MISSED'} (CPU ${r.file.decodeCpuMs} ms)`],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  return [`@dc/huffman benchmark (Node ${r.node})`, ...rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`)].join('\n');
}

/**
 * The deflate-bomb figure `pnpm fuzz` reports: a 4 GiB header bomb in a ~4.2 MB file, declaring
 * the largest header the format allows, rejected by the reader; CPU time per rejection.
 */
import { decodeContainer, isDcError } from '@dc/core';
import { deflateBomb, forgeDeflatedHeader } from '@dc/core/testing';

/** What the bomb measurement found. */
export interface BombTiming {
  readonly fileBytes: number;
  readonly inflatesTo: string;
  readonly code: string;
  /** CPU milliseconds (user + system) of each rejection, in run order. */
  readonly cpuMs: readonly number[];
}

/** Rejects the bomb `runs` times and reports the code and CPU time of each (the first includes warm-up). */
export function timeBombRejection(runs = 7): BombTiming {
  const file = forgeDeflatedHeader(deflateBomb(4096), 4 * 2 ** 20);
  const cpuMs: number[] = [];
  let code = 'no error';
  for (let i = 0; i < runs; i++) {
    const t0 = process.cpuUsage();
    try {
      decodeContainer(file);
    } catch (e) {
      code = isDcError(e) ? e.code : `not a DcError: ${String(e)}`;
    }
    const t = process.cpuUsage(t0);
    cpuMs.push((t.user + t.system) / 1000);
  }
  return { fileBytes: file.length, inflatesTo: '4 GiB', code, cpuMs };
}

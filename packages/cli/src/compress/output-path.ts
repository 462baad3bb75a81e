/**
 * Where `dc compress` will write: checked before any work, so that a typo in `-o` costs a second,
 * not a compression (the file itself is written to a temporary name and renamed at the end), and
 * so that the written file never replaces a file the run reads.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { DcError } from '@dc/core';

/** The options of `dc compress` that name files it reads (a list: comma-separated). */
const READ_OPTIONS = ['data', 'labels', 'testData', 'testLabels', 'targets', 'testTargets', 'calibration'] as const;

/**
 * The files `dc compress <model>` reads: the model.json, the weight files its manifest names (as
 * far as it can be read now: loading it reports the rest), and the paths of the data options.
 */
export function filesRead(model: string, o: Partial<Record<(typeof READ_OPTIONS)[number], string>>): string[] {
  let shards: string[] = [];
  try {
    const manifest = (JSON.parse(readFileSync(model, 'utf8')) as { weightsManifest?: Array<{ paths?: unknown }> }).weightsManifest;
    shards = (Array.isArray(manifest) ? manifest : []).flatMap((g) => (Array.isArray(g?.paths) ? g.paths.filter((p): p is string => typeof p === 'string') : [])).map((p) => resolve(dirname(model), p));
  } catch {
    // Not a readable model.json: the model's loader says why, after this check.
  }
  return [model, ...shards, ...READ_OPTIONS.flatMap((k) => o[k]?.split(',') ?? [])];
}

/** The file at `path` as the system knows it (device and inode), so that two names of one file compare equal; undefined where none exists. */
function fileIdentity(path: string): string | undefined {
  const s = statSync(path, { throwIfNoEntry: false });
  return s ? `${s.dev}:${s.ino}` : undefined;
}

/**
 * `INVALID_OPTION` when `out` names a folder, or a file in a folder that does not exist, or one
 * of `reads` (see {@link filesRead}; by path, as the same file under another name, or an existing
 * file inside a folder of them): the written file would replace what the run reads.
 */
export function refuseUnwritableOut(out: string, reads: readonly string[] = []): void {
  const path = resolve(out);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new DcError('INVALID_OPTION', `--out ${out} is a folder, not a file`, { option: '--out', hint: 'Pass the path of the .dcm file to write, e.g. model.dcm.' });
  }
  const folder = dirname(path);
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw new DcError('INVALID_OPTION', `--out ${out}: its folder ${folder} does not exist`, { option: '--out', hint: 'Create the folder first, or write the file into one that exists.' });
  }
  const identity = fileIdentity(path);
  if (identity === undefined) return;
  // A file the run reads: named as given, under another name, or inside a folder the run reads.
  const same = reads.find((r) => resolve(r) === path || fileIdentity(resolve(r)) === identity);
  const readFolder = reads.find((r) => statSync(resolve(r), { throwIfNoEntry: false })?.isDirectory() && path.startsWith(`${resolve(r)}${sep}`));
  if (same === undefined && readFolder === undefined) return;
  const what = same === undefined ? `is a file in ${readFolder}, which this run reads` : resolve(same) === path ? 'names a file this run reads' : `is the same file as ${same}, which this run reads`;
  throw new DcError('INVALID_OPTION', `--out ${out} ${what}: the .dcm file would replace it`, { option: '--out', hint: 'Write the .dcm file to a new path, e.g. model.dcm.' });
}

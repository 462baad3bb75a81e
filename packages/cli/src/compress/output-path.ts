/**
 * Where `dc compress` will write: checked before any work, so that a typo in `-o` costs a second,
 * not a compression (the file itself is written to a temporary name and renamed at the end).
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DcError } from '@dc/core';

/** `INVALID_OPTION` when `out` names a folder, or a file in a folder that does not exist. */
export function refuseUnwritableOut(out: string): void {
  const path = resolve(out);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new DcError('INVALID_OPTION', `--out ${out} is a folder, not a file`, { option: '--out', hint: 'Pass the path of the .dcm file to write, e.g. model.dcm.' });
  }
  const folder = dirname(path);
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw new DcError('INVALID_OPTION', `--out ${out}: its folder ${folder} does not exist`, { option: '--out', hint: 'Create the folder first, or write the file into one that exists.' });
  }
}

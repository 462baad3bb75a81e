/**
 * CSV tables (what tabular data comes as, and what tfjs's `tf.data.csv` reads), parsed with the
 * `csv-parse` library: numeric cells, a header row of column names when the first row is not all
 * numbers, one row per sample. A label column of class names (`setosa`, `versicolor`, ...) reads
 * as their indices when `--classes` lists them in the order the model was trained on.
 */
import { readFile } from 'node:fs/promises';
import { DcError, fileReadError } from '@dc/core';
import { parse } from 'csv-parse/sync';
import type { NumericArray } from './npy.js';

/** A numeric CSV table: `[rows, columns]` values and each column's name (its header, else its index). */
export interface CsvTable extends NumericArray {
  readonly values: Float64Array;
  readonly columns: readonly string[];
  /** Whether the first row named the columns. */
  readonly header: boolean;
}

/** Whether `path` names a CSV file (by its extension). */
export const isCsv = (path: string): boolean => /\.csv$/i.test(path);

/**
 * Reads a CSV file of numbers (an optional header row first); a cell that is not a number is
 * `DATA_MISMATCH` naming its row and column. With `choice.classes`, the cells of
 * `choice.labelColumn` are class names, each read as its index in that list.
 */
export async function readCsv(path: string, choice: ColumnChoice = {}): Promise<CsvTable> {
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw fileReadError(path, cause, 'BAD_DATA_FILE', { hint: 'Check the path given to --data / --labels / --targets.' });
  });
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, bom: true }) as string[][];
  } catch (cause) {
    throw new DcError('BAD_DATA_FILE', `${path} is not a readable CSV file: ${(cause as Error).message}`, { cause, hint: 'Every row needs as many comma-separated cells as the first.' });
  }
  if (rows.length === 0) throw new DcError('BAD_DATA_FILE', `${path} holds no rows`, { hint: 'Give one row per sample (and optionally a header row of column names first).' });
  const isNumber = (cell: string) => cell !== '' && Number.isFinite(Number(cell));
  const classes = choice.labelColumn !== undefined ? choice.classes : undefined;
  // A class name is data, not a column name, when --classes lists it.
  const header = !rows[0].every((cell) => isNumber(cell) || (classes?.includes(cell) ?? false));
  const columns = header ? rows[0] : rows[0].map((_, i) => String(i));
  const body = header ? rows.slice(1) : rows;
  const named = classes ? columnIndex(columns, choice.labelColumn!) : -1;
  const values = new Float64Array(body.length * columns.length);
  body.forEach((row, r) => {
    row.forEach((cell, c) => {
      const line = r + (header ? 2 : 1);
      if (c === named) {
        const index = classes!.indexOf(cell);
        if (index < 0) throw new DcError('DATA_MISMATCH', `${path}, line ${line}, column "${columns[c]}": "${cell}" is not one of --classes (${classes!.join(', ')})`, { option: 'classes', hint: 'List every class name the column holds, in the order the model was trained on.' });
        values[r * columns.length + c] = index;
        return;
      }
      if (!isNumber(cell)) {
        const labels = choice.labelColumn !== undefined && columnIndex(columns, choice.labelColumn) === c;
        throw new DcError('DATA_MISMATCH', `${path}, line ${line}, column "${columns[c]}": "${cell}" is not a number`, {
          hint: labels
            ? 'Class names in the label column need --classes <names>, listed in the order the model was trained on (its output i is the i-th name).'
            : 'dc reads numeric tables: encode categories as integers (class labels 0..classes-1) and fill in missing values first.',
        });
      }
      values[r * columns.length + c] = Number(cell);
    });
  });
  return { values, shape: [body.length, columns.length], columns, header };
}

/** Which columns of a table hold labels or targets: `--label-column` (one) or `--target-columns` (a list), by name or index. */
export interface ColumnChoice {
  readonly labelColumn?: string;
  readonly targetColumns?: readonly string[];
  /** `--classes`: the label column's class names in the model's order (output `i` is the `i`-th); its cells are names, read as their indices. */
  readonly classes?: readonly string[];
}

/** The column choice of options that may hold `labelColumn` / `targetColumns` / `classes` (flags), without undefined entries. */
export function columnChoice(o: ColumnChoice): ColumnChoice {
  return {
    ...(o.labelColumn !== undefined ? { labelColumn: o.labelColumn } : {}),
    ...(o.targetColumns !== undefined ? { targetColumns: o.targetColumns } : {}),
    ...(o.classes !== undefined ? { classes: o.classes } : {}),
  };
}

/** The index of the column `name` (a header name, or an index from 0) among `columns`, or -1. */
function columnIndex(columns: readonly string[], name: string): number {
  const byName = columns.indexOf(name);
  const i = byName >= 0 ? byName : /^\d+$/.test(name) ? Number(name) : -1;
  return i < columns.length ? i : -1;
}

/** The table split into the features (every other column, in order) and the chosen label or target columns. */
export interface SplitTable {
  readonly features: NumericArray;
  readonly labels?: NumericArray;
  readonly targets?: NumericArray;
}

/** Splits `table` (read from `path`) by `choice`; a column it does not have is `INVALID_OPTION` listing those it has. */
export function splitColumns(table: CsvTable, path: string, choice: ColumnChoice): SplitTable {
  const chosen = choice.labelColumn !== undefined ? [choice.labelColumn] : (choice.targetColumns ?? []);
  const index = chosen.map((name) => {
    const i = columnIndex(table.columns, name);
    if (i < 0) {
      const option = choice.labelColumn !== undefined ? '--label-column' : '--target-columns';
      throw new DcError('INVALID_OPTION', `${path} has no column "${name}" (${option})`, { option, hint: `Its columns: ${table.columns.map((c) => `"${c}"`).join(', ')} (a name of its header row, or an index from 0).` });
    }
    return i;
  });
  if (new Set(index).size !== index.length) throw new DcError('INVALID_OPTION', `--target-columns names a column of ${path} twice`, { option: '--target-columns' });
  const [rows, cols] = table.shape;
  const rest = Array.from({ length: cols }, (_, i) => i).filter((i) => !index.includes(i));
  const pick = (which: readonly number[]): NumericArray => {
    const out = new Float64Array(rows * which.length);
    for (let r = 0; r < rows; r++) which.forEach((c, k) => (out[r * which.length + k] = table.values[r * cols + c]));
    return { values: out, shape: [rows, which.length] };
  };
  const features = pick(rest);
  if (choice.labelColumn !== undefined) return { features, labels: { values: pick(index).values, shape: [rows] } };
  return chosen.length > 0 ? { features, targets: pick(index) } : { features };
}

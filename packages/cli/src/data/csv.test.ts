import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsv, splitColumns } from './csv.js';

describe('readCsv with class names in the label column (--classes)', () => {
  const file = (name: string, text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'dc-csv-')), name);
    writeFileSync(path, text);
    return path;
  };

  it('reads each name as its index in the list, with or without a header row (a name is data, not a column name)', async () => {
    const classes = ['setosa', 'versicolor', 'virginica'];
    const headed = file('iris.csv', 'sepal,petal,species\n5.1,1.4,setosa\n6.2,4.5,versicolor\n7.7,6.7,virginica\n');
    const bare = file('bare.csv', '5.1,1.4,setosa\n6.2,4.5,versicolor\n7.7,6.7,virginica\n');
    for (const [path, labelColumn] of [[headed, 'species'], [bare, '2']] as const) {
      const table = await readCsv(path, { labelColumn, classes });
      expect(table.header).toBe(path === headed);
      const split = splitColumns(table, path, { labelColumn });
      expect(Array.from(split.labels!.values)).toEqual([0, 1, 2]);
      expect(Array.from(split.features.values)).toEqual([5.1, 1.4, 6.2, 4.5, 7.7, 6.7]);
    }
  });

  it('refuses a name the list lacks, and names without --classes, saying which line and what to pass', async () => {
    const path = file('iris.csv', 'sepal,species\n5.1,setosa\n6.2,versicolr\n');
    await expect(readCsv(path, { labelColumn: 'species', classes: ['setosa', 'versicolor'] })).rejects.toMatchObject({ code: 'DATA_MISMATCH', message: expect.stringMatching(/line 3, column "species": "versicolr" is not one of --classes \(setosa, versicolor\)/) });
    await expect(readCsv(path, { labelColumn: 'species' })).rejects.toMatchObject({ code: 'DATA_MISMATCH', hint: expect.stringMatching(/--classes <names>/) });
    // A name in an input column is still not a number.
    await expect(readCsv(file('x.csv', 'a,b\nred,0\n'), { labelColumn: 'b', classes: ['x', 'y'] })).rejects.toMatchObject({ code: 'DATA_MISMATCH', hint: expect.stringMatching(/encode categories as integers/) });
  });
});

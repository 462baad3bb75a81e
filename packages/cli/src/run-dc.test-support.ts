/** Runs the `dc` program in process for tests. */
import { createProgram } from './program.js';

/** Runs `dc <args>` in process: its exit code and what it wrote. */
export async function dc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const program = createProgram({ stdout: (t) => (stdout += `${t}\n`), stderr: (t) => (stderr += `${t}\n`) }, (c) => (code = c));
  await program.parseAsync(['node', 'dc', ...args]);
  return { code, stdout, stderr };
}

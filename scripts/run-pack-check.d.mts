/**
 * Runs scripts/pack-check.sh on `app` (a .mjs file or a folder with a check.sh) and the workspace
 * package folders `packages` (dependencies first), with `env` added to the environment; returns
 * its standard output, or throws with the script's own output.
 */
export function runPackCheck(app: string, packages: readonly string[], env?: Readonly<Record<string, string>>): string;

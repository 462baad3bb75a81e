/**
 * Every conformance case a backend skips, with the reason: the one place skips are listed.
 * Keys are backend names (as `RuntimeBackend.name`, matched by prefix: `tfjs` covers `tfjs-wasm`),
 * then case names (as in {@link conformanceCases}); the value says why.
 */
export const conformanceSkips: Readonly<Record<string, Readonly<Record<string, string>>>> = {};

/** The reason `backend` skips `caseName`, or undefined when it runs. */
export function skipReason(backend: string, caseName: string): string | undefined {
  for (const [prefix, cases] of Object.entries(conformanceSkips)) {
    if (backend.startsWith(prefix) && cases[caseName]) return cases[caseName];
  }
  return undefined;
}

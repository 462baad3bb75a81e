/**
 * Parsers of numeric command-line values for commander's `.option(flags, description, parser)`:
 * a bad value is commander's `InvalidArgumentError` naming the flag (usage error, exit 1). Shared
 * by `dc` and the demo's CLI.
 */
import { InvalidArgumentError } from 'commander';
import { OUTPUT_KINDS, type OutputKind } from '@dc/allocate';

/** An integer ≥ 1. */
export function positiveInt(flag: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, got "${v}"`);
    return n;
  };
}

/** A positive integer or `auto` (thread counts). */
export function threadCount(flag: string) {
  return (v: string): number | 'auto' => (v === 'auto' ? 'auto' : positiveInt(flag)(v));
}

/** An integer ≥ 0. */
export function nonNegativeInt(flag: string) {
  return (v: string) => (v === '0' ? 0 : positiveInt(flag)(v));
}

/** A finite number > 0. */
export function positiveNumber(flag: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive number, got "${v}"`);
    return n;
  };
}

/** A number strictly between 0 and 1 (a fidelity budget: 0.02 is 2%). */
export function openFraction(flag: string) {
  return (v: string) => {
    const n = Number(v);
    if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`${flag} must be a number between 0 and 1 (exclusive; 0.02 is 2%), got "${v}"`);
    return n;
  };
}

/** Any finite number. */
export function finiteNumber(flag: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${flag} must be a number, got "${v}"`);
    return n;
  };
}

/** One finite number, or a comma-separated list of them (one per channel): `0.5` or `0.0171,0.0175,0.0174`. */
export function finiteNumbers(flag: string) {
  return (v: string): number | number[] => {
    const parts = v.split(',').map((p) => p.trim());
    const numbers = parts.map(Number);
    if (parts.some((p) => p === '') || !numbers.every(Number.isFinite)) throw new InvalidArgumentError(`${flag} must be a number or a comma-separated list of numbers (one per channel), got "${v}"`);
    return numbers.length === 1 ? numbers[0] : numbers;
  };
}

/**
 * Per-layer values: `stem=0.3,*=0.7` (`*`: the layers not named), or one number, which is `{ '*': n }`.
 * Each value must pass `check`; `range` (e.g. "a whole number from 1 to 8") says which do, in the
 * refusal. An entry without a number (`stem=`) is refused too.
 */
export function perLayer(flag: string, check: (n: number) => boolean, range?: string) {
  return (v: string): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const part of v.split(',')) {
      const [layer, value] = part.includes('=') ? part.split('=') : ['*', part];
      const n = Number(value);
      if (!layer?.trim() || value?.trim() === '' || !check(n)) throw new InvalidArgumentError(`${flag}: bad entry "${part}" (one number, or layer=number entries${range ? `; each ${range}` : ''})`);
      out[layer.trim()] = n;
    }
    return out;
  };
}

/** `--output-kinds classifier,regression`: one kind per model output, in output order. */
export function outputKinds(v: string): OutputKind[] {
  const kinds = v.split(',').map((k) => k.trim());
  for (const k of kinds) {
    if (!(OUTPUT_KINDS as readonly string[]).includes(k)) throw new InvalidArgumentError(`--output-kinds takes ${OUTPUT_KINDS.join(', ')} (comma-separated), got "${k}"`);
  }
  return kinds as OutputKind[];
}

/** `--bit-levels 3,4,5,6`: distinct integer bit widths in [1, 8], comma-separated. */
export function bitLevels(v: string): number[] {
  const levels = v.split(',').map((b) => Number(b.trim()));
  if (levels.length === 0 || levels.some((b) => !Number.isInteger(b) || b < 1 || b > 8) || new Set(levels).size !== levels.length) {
    throw new InvalidArgumentError(`--bit-levels takes distinct whole numbers of bits from 1 to 8, comma-separated, got "${v}"`);
  }
  return levels;
}

/** `--input-shape 100` or `64,64,3`: an input shape without the batch axis, positive whole numbers, comma-separated. */
export function inputShape(v: string): number[] {
  const dims = v.split(',').map((d) => d.trim());
  if (dims.some((d) => !/^[1-9]\d*$/.test(d))) throw new InvalidArgumentError(`--input-shape takes positive whole numbers, comma-separated (e.g. 100, or 64,64,3), got "${v}"`);
  return dims.map(Number);
}

/** `--classes`: two or more distinct class names, comma-separated (spaces around each trimmed). */
export function classNames(v: string): string[] {
  const names = v.split(',').map((c) => c.trim()).filter((c) => c !== '');
  if (names.length < 2 || new Set(names).size !== names.length) throw new InvalidArgumentError(`--classes must be two or more distinct class names, comma-separated, got "${v}"`);
  return names;
}

import { describe, expect, it } from 'vitest';
import { thrownError as thrown } from '../testing/error-code.js';
import { optionChecks, type OptionChecks, type OptionKeys } from './option-checks.js';

interface Opts {
  rate?: number;
  mode?: 'a' | 'b';
  retrain?: { epochs: number };
}

const KEYS: OptionKeys<Opts> = { rate: true, mode: true, retrain: true };
const check: OptionChecks = optionChecks('test:stage');


describe('optionChecks', () => {
  it('rejects unknown keys at the top level and nested, naming the path and listing the known keys', () => {
    const top = thrown(() => check.object({ rate: 1, rat: 2 }, 'options', KEYS));
    expect(top).toMatchObject({ code: 'INVALID_OPTION', option: 'rat', stage: 'test:stage' });
    expect(top.message).toContain('known: rate, mode, retrain');
    expect(thrown(() => check.object({ epochs: 1, lr: 2 }, 'retrain', { epochs: true })).option).toBe('retrain.lr');
    expect(() => check.object({ rate: 1, other: undefined }, 'options', KEYS)).not.toThrow();
  });

  it('rejects non-objects', () => {
    for (const bad of [null, 3, 'x', [1]]) expect(thrown(() => check.object(bad, 'options', KEYS)).option).toBe('options');
  });

  it('checks numbers: type, finiteness, integers and bounds', () => {
    const range = { integer: true, min: 1, max: 8 };
    for (const bad of ['5', Number.NaN, Infinity, 0, 9, 4.5, null]) expect(thrown(() => check.number(bad, 'bits', range)).option).toBe('bits');
    expect(thrown(() => check.number(9, 'bits', range)).message).toBe('[INVALID_OPTION] option "bits" of stage "test:stage": must be an integer ≥ 1 and ≤ 8, got 9');
    expect(() => check.number(8, 'bits', range)).not.toThrow();
    expect(() => check.number(1, 'p', { below: 1 })).toThrow(/< 1/);
    expect(() => check.number(0, 'lr', { above: 0 })).toThrow(/> 0/);
  });

  it('checks booleans, enumerations, name lists and per-layer records', () => {
    expect(thrown(() => check.boolean('yes', 'flag')).message).toContain('got "yes"');
    expect(thrown(() => check.oneOf('c', 'mode', ['a', 'b'])).message).toContain('must be one of "a", "b", got "c"');
    expect(thrown(() => check.names([], 'layers')).option).toBe('layers');
    expect(() => check.names([], 'exclude', true)).not.toThrow();
    expect(thrown(() => check.names(['a', 'a'], 'layers')).message).toContain('must not repeat');
    expect(thrown(() => check.names(['a', 3], 'layers')).message).toContain('non-empty string');
    const entry = (v: unknown, o: string) => check.number(v, o, { min: 0, below: 1 });
    expect(thrown(() => check.record({ ip1: 0.5, ip2: 1 }, 'sparsity', entry)).option).toBe('sparsity.ip2');
    expect(thrown(() => check.record({}, 'sparsity', entry)).option).toBe('sparsity');
    expect(thrown(() => check.record([0.5], 'sparsity', entry)).option).toBe('sparsity');
  });

  it('gives each error the hint of its option path or of the nearest enclosing one, unless the check names its own', () => {
    const hinted: OptionChecks = optionChecks('test:stage', { retrain: 'Pass retrain: { epochs }.', 'retrain.epochs': 'Use a whole number of epochs.' });
    expect(thrown(() => hinted.number(1.5, 'retrain.epochs', { integer: true })).hint).toBe('Use a whole number of epochs.');
    expect(thrown(() => hinted.object({ epochs: 1, lr: 2 }, 'retrain', { epochs: true }))).toMatchObject({ option: 'retrain.lr', hint: 'Pass retrain: { epochs }.' });
    expect(thrown(() => hinted.that(false, 'retrain.epochs', 'too many', 'Use fewer.')).hint).toBe('Use fewer.');
    expect(thrown(() => hinted.number('x', 'rate')).hint).toBe(thrown(() => check.number('x', 'rate')).hint); // the catalogue's
  });
});

import { describe, expect, it } from 'vitest';
import { errorCatalogue } from './codes.js';
import { DcError, isDcError } from './dc-error.js';

describe('DcError', () => {
  it('carries code, hint, stage, tensor and cause', () => {
    const cause = new Error('inner');
    const e = new DcError('UNKNOWN_LAYER', 'no layer "x"', { stage: 'dc:prune', tensor: 'x', cause });
    expect(e.code).toBe('UNKNOWN_LAYER');
    expect(e.hint).toBe(errorCatalogue.UNKNOWN_LAYER);
    expect(e.stage).toBe('dc:prune');
    expect(e.tensor).toBe('x');
    expect(e.cause).toBe(cause);
    expect(e.message).toBe('[UNKNOWN_LAYER] no layer "x"');
  });

  it('is recognised across copies by its Symbol.for marker, not by prototype', () => {
    const foreign = Object.assign(new Error('x'), { code: 'ABORTED' });
    Object.defineProperty(foreign, Symbol.for('@dc/core/DcError'), { value: true });
    expect(isDcError(foreign)).toBe(true);
    expect(isDcError(new Error('plain'))).toBe(false);
    expect(isDcError(null)).toBe(false);
  });

  it('has SCREAMING_SNAKE codes with a hint each', () => {
    for (const [code, hint] of Object.entries(errorCatalogue)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(hint.length).toBeGreaterThan(10);
    }
  });
});

import { errorCatalogue, type DcErrorCode } from './codes.js';

const DC_ERROR = Symbol.for('@dc/core/DcError');

/** Extra context for a {@link DcError}. */
export interface DcErrorDetails {
  /** What to do about it; defaults to the catalogue's hint for the code. */
  hint?: string;
  /** The stage that failed, e.g. `dc:prune`. */
  stage?: string;
  /** The tensor or layer concerned, e.g. `dense_1/kernel`. */
  tensor?: string;
  /** The option concerned, e.g. `sparsity`. */
  option?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The one error class of the project. Recognise it with {@link isDcError}, which works across
 * two copies of `@dc/core` (it checks a `Symbol.for` marker, not the prototype chain).
 */
export class DcError extends Error {
  readonly code: DcErrorCode;
  readonly hint: string;
  readonly stage?: string;
  readonly tensor?: string;
  readonly option?: string;

  constructor(code: DcErrorCode, message: string, details: DcErrorDetails = {}) {
    super(`[${code}] ${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DcError';
    this.code = code;
    this.hint = details.hint ?? errorCatalogue[code];
    if (details.stage !== undefined) this.stage = details.stage;
    if (details.tensor !== undefined) this.tensor = details.tensor;
    if (details.option !== undefined) this.option = details.option;
    Object.defineProperty(this, DC_ERROR, { value: true });
  }
}

/** True for any {@link DcError}, including one made by another copy of `@dc/core`. */
export function isDcError(value: unknown): value is DcError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DC_ERROR] === true;
}

/** Throws `INVALID_OPTION` naming `option` unless `ok` holds. */
export function assertOption(ok: boolean, option: string, message: string, stage?: string): asserts ok {
  if (!ok) throw new DcError('INVALID_OPTION', `option "${option}": ${message}`, { option, stage });
}

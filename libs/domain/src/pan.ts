import { inspect } from 'node:util';

const DIGITS = /^\d{12,19}$/;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function maskPanDigits(digits: string): string {
  if (digits.length < 10) return '*'.repeat(digits.length);
  return digits.slice(0, 6) + '*'.repeat(digits.length - 10) + digits.slice(-4);
}

export type PanProblem = 'NOT_DIGITS' | 'BAD_LENGTH' | 'BAD_CHECK_DIGIT';

/**
 * A primary account number. Its string, JSON and inspect forms are masked (first 6, last 4), so a
 * PAN that slips into a log line, an error message or a job payload stays masked; only `digits()`
 * gives the clear value, for the crypto service and the codecs.
 */
export class Pan {
  readonly #digits: string;

  private constructor(digits: string) {
    this.#digits = digits;
  }

  static parse(input: string): { ok: true; pan: Pan } | { ok: false; problem: PanProblem } {
    if (!/^\d+$/.test(input)) return { ok: false, problem: 'NOT_DIGITS' };
    if (!DIGITS.test(input)) return { ok: false, problem: 'BAD_LENGTH' };
    if (!luhnValid(input)) return { ok: false, problem: 'BAD_CHECK_DIGIT' };
    return { ok: true, pan: new Pan(input) };
  }

  /** For values that were already validated (e.g. read back from a trusted codec). */
  static fromTrusted(digits: string): Pan {
    const parsed = Pan.parse(digits);
    if (!parsed.ok) throw new TypeError(`invalid PAN (${parsed.problem})`);
    return parsed.pan;
  }

  digits(): string {
    return this.#digits;
  }

  get bin(): string {
    return this.#digits.slice(0, 6);
  }

  get last4(): string {
    return this.#digits.slice(-4);
  }

  get masked(): string {
    return maskPanDigits(this.#digits);
  }

  /** Leading digits for BIN-range routing (8 where the PAN is long enough). */
  leading(count: number): string {
    return this.#digits.slice(0, count);
  }

  toString(): string {
    return this.masked;
  }

  toJSON(): string {
    return this.masked;
  }

  [inspect.custom](): string {
    return `Pan(${this.masked})`;
  }
}

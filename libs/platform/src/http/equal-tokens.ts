import { timingSafeEqual } from 'node:crypto';

/** A form's token against the session's, in time that does not depend on where they differ. */
export function equalTokens(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

import { timingSafeEqual } from 'node:crypto';

/**
 * Compares two verification values without a data-dependent early exit, so response timing does
 * not reveal how many leading digits of a guess were right. Lengths are not secret (they are fixed
 * by the method), so a length mismatch may return at once.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

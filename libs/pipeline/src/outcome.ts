/**
 * How a query ended. One closed set: every channel maps every code with an exhaustive switch
 * (`assertNever` makes a missing case a compile error).
 */
export const OUTCOMES = [
  'APPROVED',
  'FORMAT_ERROR',
  'UNAUTHENTICATED',
  'REQUESTER_NOT_PERMITTED',
  'NO_SUCH_ISSUER',
  'UNKNOWN_CARD',
  'EXPIRED_CARD',
  'CARD_BLOCKED',
  'WRONG_PIN',
  'PIN_TRIES_EXCEEDED',
  'NOT_PERMITTED',
  'RATE_LIMITED',
  'DUPLICATE',
  'ISSUER_UNAVAILABLE',
  'SECURITY_ERROR',
  'SYSTEM_ERROR',
] as const;

export type OutcomeCode = (typeof OUTCOMES)[number];

export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}

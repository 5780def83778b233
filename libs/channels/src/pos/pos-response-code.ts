import { assertNever, type OutcomeCode } from '#pipeline';

/** ISO 8583 field 39 codes Saldo answers with (the 1987 table as issuers' hosts use it). */
export type PosResponseCode =
  | '00'
  | '14'
  | '15'
  | '30'
  | '54'
  | '55'
  | '57'
  | '58'
  | '62'
  | '63'
  | '65'
  | '75'
  | '91'
  | '94'
  | '96';

/** Every outcome to its field 39; the switch is exhaustive, so a new outcome fails the build here. */
export function posResponseCode(outcome: OutcomeCode): PosResponseCode {
  switch (outcome) {
    case 'APPROVED':
      return '00';
    case 'FORMAT_ERROR':
      return '30';
    // A terminal that is unknown, inactive, or not allowed to ask: "not permitted to terminal".
    case 'UNAUTHENTICATED':
    case 'REQUESTER_NOT_PERMITTED':
      return '58';
    case 'NO_SUCH_ISSUER':
      return '15';
    case 'UNKNOWN_CARD':
      return '14';
    case 'EXPIRED_CARD':
      return '54';
    case 'CARD_BLOCKED':
      return '62';
    case 'WRONG_PIN':
      return '55';
    case 'PIN_TRIES_EXCEEDED':
      return '75';
    case 'NOT_PERMITTED':
      return '57';
    case 'RATE_LIMITED':
      return '65';
    case 'DUPLICATE':
      return '94';
    case 'ISSUER_UNAVAILABLE':
      return '91';
    case 'SECURITY_ERROR':
      return '63';
    case 'SYSTEM_ERROR':
      return '96';
    default:
      return assertNever(outcome);
  }
}

import { assertNever, type QueryResult } from '#pipeline';
import type { CardAnswer } from '#channels/telephony';
import type { CardBalanceLine, CardRefusal, CardRefusalLine, TransactionLine } from './sms-replies.js';

/** One card's pipeline answer as an SMS line: its balances, or why there are none. */
export function balanceLine({ card, result }: CardAnswer): CardBalanceLine | CardRefusalLine {
  if (result.outcome === 'APPROVED') {
    return { last4: card.last4, issuerName: card.issuerName, balances: [...(result.balances ?? [])] };
  }
  return { last4: card.last4, refusal: refusalOf(result) };
}

export function transactionLines(result: QueryResult): TransactionLine[] {
  return (result.transactions?.items ?? []).map((t) => ({ postedAt: t.postedAt, amount: t.amount, currency: t.currency, description: t.description }));
}

/** Every outcome, said the way a text message can say it (exhaustive: a new outcome is a compile error). */
export function refusalOf(result: QueryResult): CardRefusal {
  switch (result.outcome) {
    case 'CARD_BLOCKED':
      return 'CARD_BLOCKED';
    case 'EXPIRED_CARD':
      return 'EXPIRED_CARD';
    case 'RATE_LIMITED':
      return 'RATE_LIMITED';
    case 'ISSUER_UNAVAILABLE':
      return 'ISSUER_UNAVAILABLE';
    case 'SYSTEM_ERROR':
    case 'SECURITY_ERROR':
      return 'SYSTEM_ERROR';
    case 'UNKNOWN_CARD':
    case 'NO_SUCH_ISSUER':
      return 'NOT_FOUND';
    case 'APPROVED':
    case 'FORMAT_ERROR':
    case 'UNAUTHENTICATED':
    case 'REQUESTER_NOT_PERMITTED':
    case 'WRONG_PIN':
    case 'PIN_TRIES_EXCEEDED':
    case 'NOT_PERMITTED':
    case 'DUPLICATE':
      return 'OTHER';
    default:
      return assertNever(result.outcome);
  }
}

import { assertNever, type OutcomeCode, type QueryResult } from '#pipeline';
import { problem, type Problem } from './problem.js';
import type { RestReply } from './rest-reply.js';

/** The REST channel's answer for every refused outcome (an exhaustive switch: a new code won't compile). */
export function refusal(result: QueryResult): RestReply {
  const outcome: Exclude<OutcomeCode, 'APPROVED'> | 'APPROVED' = result.outcome;
  const inquiryId = result.correlationId;
  const p = (status: number, title: string, extra: Partial<Problem> = {}) =>
    problem(status, outcome, title, { inquiryId, ...extra });
  switch (outcome) {
    case 'APPROVED':
      throw new Error('refusal() called for an approved query');
    case 'FORMAT_ERROR':
      return { status: 400, body: p(400, 'Invalid request', { errors: result.problems ?? [] }) };
    case 'UNAUTHENTICATED':
      return {
        status: 401,
        body: p(401, 'Not authenticated'),
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      };
    case 'REQUESTER_NOT_PERMITTED':
      return {
        status: 403,
        body: p(403, 'Missing scope', { detail: result.reason }),
        headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' },
      };
    case 'NO_SUCH_ISSUER':
      return { status: 404, body: p(404, 'No issuer serves this card range') };
    case 'UNKNOWN_CARD':
      return { status: 404, body: p(404, 'Unknown card') };
    case 'EXPIRED_CARD':
      return { status: 410, body: p(410, 'Card expired') };
    case 'CARD_BLOCKED':
      return { status: 410, body: p(410, 'Card blocked', { detail: `card status ${result.reason ?? 'BLOCKED'}` }) };
    case 'WRONG_PIN':
      return { status: 403, body: p(403, 'Wrong PIN') };
    case 'PIN_TRIES_EXCEEDED':
      return { status: 403, body: p(403, 'PIN tries exceeded') };
    case 'NOT_PERMITTED':
      return { status: 403, body: p(403, 'Not permitted for this card', { detail: result.reason }) };
    case 'RATE_LIMITED': {
      const seconds = Math.max(1, Math.ceil((result.retryAfterMs ?? 1000) / 1000));
      return { status: 429, body: p(429, 'Too many requests'), headers: { 'retry-after': String(seconds) } };
    }
    case 'DUPLICATE':
      return { status: 409, body: p(409, 'Duplicate request') };
    case 'ISSUER_UNAVAILABLE':
      return { status: 503, body: p(503, 'Issuer unavailable'), headers: { 'retry-after': '5' } };
    case 'SECURITY_ERROR':
      return { status: 403, body: p(403, 'Security check failed') };
    case 'SYSTEM_ERROR':
      return { status: 500, body: p(500, 'Internal error') };
    default:
      return assertNever(outcome);
  }
}

import { describe, expect, it } from 'vitest';
import { OUTCOMES } from '#pipeline';
import { refusal } from '../../libs/channels/src/rest/http/outcome.problem.js';

describe('REST refusal mapping', () => {
  const refused = OUTCOMES.filter((o) => o !== 'APPROVED');

  it.each(refused)('maps %s to an HTTP error with its own code', (outcome) => {
    const reply = refusal({ correlationId: 'c-1', outcome, asOf: new Date(), retryAfterMs: 2500 });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.body).toMatchObject({ code: outcome, status: reply.status, inquiryId: 'c-1' });
  });

  it('gives the statuses the partner API documents', () => {
    const status = (outcome: (typeof OUTCOMES)[number]) => refusal({ correlationId: 'c', outcome, asOf: new Date() }).status;
    expect(status('FORMAT_ERROR')).toBe(400);
    expect(status('UNAUTHENTICATED')).toBe(401);
    expect(status('REQUESTER_NOT_PERMITTED')).toBe(403);
    expect(status('UNKNOWN_CARD')).toBe(404);
    expect(status('EXPIRED_CARD')).toBe(410);
    expect(status('CARD_BLOCKED')).toBe(410);
    expect(status('RATE_LIMITED')).toBe(429);
    expect(status('ISSUER_UNAVAILABLE')).toBe(503);
  });

  it('rounds Retry-After up to whole seconds', () => {
    const reply = refusal({ correlationId: 'c', outcome: 'RATE_LIMITED', asOf: new Date(), retryAfterMs: 2500 });
    expect(reply.headers?.['retry-after']).toBe('3');
  });
});

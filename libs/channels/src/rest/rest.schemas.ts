import { z } from 'zod';
import { TRANSACTION_TYPES } from '#bank-core';

const pan = z.string().describe('Card number (12–19 digits, Luhn-checked). Never echoed back.');
const expiry = z.string().describe('Card expiry, YYMM').optional();
const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/, 'must be an ISO 8601 date or date-time')
  .describe('ISO 8601 date (whole day) or date-time');

export const balanceInquiryBody = z.strictObject({ pan, expiry });

export const transactionSearchBody = z.strictObject({
  pan,
  expiry,
  from: instant,
  to: instant,
  types: z
    .array(z.enum(TRANSACTION_TYPES.map((t) => t.toLowerCase()) as [string, ...string[]]))
    .max(TRANSACTION_TYPES.length)
    .optional(),
  limit: z.number().int().min(1).max(100).optional(),
  cursor: z.string().max(200).optional(),
});

export type BalanceInquiryBody = z.infer<typeof balanceInquiryBody>;
export type TransactionSearchBody = z.infer<typeof transactionSearchBody>;

/** Zod's messages name the field and the rule, never the value (which may be a PAN). */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.join('.') || 'body';
    if (issue.code === 'unrecognized_keys') return `${path}: unknown field(s) ${issue.keys.join(', ')}`;
    return `${path}: ${issue.message}`;
  });
}

/** The parts of a body we can still use to audit a query whose body is invalid. */
export function salvageCard(body: unknown): { pan: string; expiry?: string } {
  if (typeof body !== 'object' || body === null) return { pan: '' };
  const { pan: p, expiry: e } = body as Record<string, unknown>;
  return { pan: typeof p === 'string' ? p : '', expiry: typeof e === 'string' ? e : undefined };
}

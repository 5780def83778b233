import { z } from 'zod';
import { balanceInquiryBody, transactionSearchBody } from './rest.schemas.js';

type Schema = Record<string, unknown>;
const json = (schema: z.ZodType): Schema => z.toJSONSchema(schema, { io: 'input' });

const account = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['default', 'savings', 'checking', 'credit'] },
    currency: { type: 'string', example: 'USD' },
    available: { type: 'integer', description: 'minor units', example: 123456 },
    ledger: { type: 'integer', example: 130000 },
    pending: { type: 'integer', example: 0 },
  },
};
const card = { type: 'object', properties: { last4: { type: 'string' }, issuer: { type: 'string' } } };

/** OpenAPI schemas, from the same zod schemas the controllers validate with. */
export const openApi = {
  balanceInquiryBody: json(balanceInquiryBody),
  transactionSearchBody: json(transactionSearchBody),
  tokenRequest: {
    type: 'object',
    required: ['grant_type'],
    properties: {
      grant_type: { type: 'string', enum: ['client_credentials'] },
      client_id: { type: 'string' },
      client_secret: { type: 'string' },
      scope: { type: 'string', example: 'balances:read transactions:read' },
    },
  } as Schema,
  balanceInquiryResponse: {
    type: 'object',
    properties: {
      inquiryId: { type: 'string' },
      card,
      accounts: { type: 'array', items: account },
      asOf: { type: 'string', format: 'date-time' },
    },
  } as Schema,
  transactionSearchResponse: {
    type: 'object',
    properties: {
      inquiryId: { type: 'string' },
      card,
      transactions: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            postedAt: { type: 'string', format: 'date-time' },
            type: { type: 'string' },
            amount: { type: 'integer', description: 'signed minor units' },
            currency: { type: 'string' },
            description: { type: 'string' },
          },
        },
      },
      nextCursor: { type: 'string', nullable: true },
    },
  } as Schema,
};

import { describe, expect, it } from 'vitest';
import { SaldoConfig } from '#config';
import type { OutboundMessages, SmsProvider } from '#channels/telephony';
import { DemoOutbox } from '../../libs/channels/src/web/demo-outbox.js';

const messages = { latestTo: async () => [{ id: 'm', body: 'Your Saldo sign-in code is 123456.', status: 'sent', createdAt: new Date() }] } as unknown as OutboundMessages;
const provider = (name: string) => ({ name }) as unknown as SmsProvider;
const PRODUCTION = { NODE_ENV: 'production', HSM_LMK: '11'.repeat(32), TOKEN_SECRET: 'a-production-token-secret-of-32-chars!', SMS_PROVIDER: 'outbox' };
const DEMO = { DEMO_MODE: 'true' };

describe('demo outbox (the cardholder page shows texts only when nothing is really sent)', () => {
  it('shows the texts to a number in the demo (DEMO_MODE) with the outbox provider', async () => {
    const outbox = new DemoOutbox(messages, provider('outbox'), new SaldoConfig(DEMO));
    expect(outbox.open).toBe(true);
    expect((await outbox.latestTo('+15555550100'))?.[0]?.body).toContain('123456');
    expect(await outbox.latestTo('not a number')).toEqual([]);
  });

  it('is shut outside the demo, when a provider sends the texts, and in production (which refuses the demo)', async () => {
    expect(await new DemoOutbox(messages, provider('outbox'), new SaldoConfig({})).latestTo('+15555550100')).toBeUndefined();
    expect(await new DemoOutbox(messages, provider('twilio'), new SaldoConfig(DEMO)).latestTo('+15555550100')).toBeUndefined();
    expect(await new DemoOutbox(messages, provider('outbox'), new SaldoConfig(PRODUCTION)).latestTo('+15555550100')).toBeUndefined();
    expect(() => new SaldoConfig({ ...PRODUCTION, ...DEMO })).toThrow(/DEMO_MODE: refused in production/);
  });
});

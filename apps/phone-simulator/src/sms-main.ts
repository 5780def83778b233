#!/usr/bin/env node
/**
 * `saldo-sms` (npm run sms --): texts Saldo as a cardholder's phone would, through a signed Twilio
 * webhook, and prints the replies: from the server's outbox, or received on a fake of Twilio's
 * Messages API (--fake-api-port).
 */
import { DEV_TWILIO_AUTH_TOKEN } from '#config';
import { out, runCli, showUsage } from './cli-flags.js';
import { sendSms } from './sms-client.js';
import { parseCli, USAGE } from './sms-options.js';

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCli(argv, DEV_TWILIO_AUTH_TOKEN);
  if (command.kind === 'help') return showUsage(USAGE);
  out(`→ SMS from ${command.from} to ${command.to}: ${command.body}`);
  const replies = await sendSms(command);
  if (!replies.length) {
    const where =
      command.fakeApiPort === undefined
        ? 'in the outbox'
        : `on the fake Twilio API (is the server running with TWILIO_ACCOUNT_SID and TWILIO_API_BASE_URL=http://127.0.0.1:${command.fakeApiPort}?)`;
    console.error(`saldo-sms: no reply ${where} within ${command.waitMs} ms`);
    return 1;
  }
  replies.forEach((body, i) => {
    out(`← SMS to ${command.from} (${i + 1}/${replies.length}):`);
    out(body);
  });
  return 0;
}

runCli('saldo-sms', main);

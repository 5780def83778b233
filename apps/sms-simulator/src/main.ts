#!/usr/bin/env node
/**
 * `saldo-sms` (npm run sms --): texts Saldo as a cardholder's phone would, through a signed Twilio
 * webhook, and prints the replies: from the server's outbox, or received on a fake of Twilio's
 * Messages API (--fake-api-port).
 */
import { DEV_TWILIO_AUTH_TOKEN } from '#config';
import { parseCli, USAGE, UsageError } from './cli-options.js';
import { sendSms, SmsClientError } from './sms-client.js';

/** The simulator's output is its product (stdout), not a log line. */
const out = (text: string): void => void process.stdout.write(`${text}\n`);

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCli(argv, DEV_TWILIO_AUTH_TOKEN);
  if (command.kind === 'help') {
    out(USAGE);
    return 0;
  }
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

/** Exit status 2 for what the user can fix in the flags, 1 for everything else. */
function report(error: unknown): number {
  if (error instanceof UsageError) {
    console.error(`saldo-sms: ${error.message}\ntry saldo-sms --help`);
    return 2;
  }
  if (error instanceof SmsClientError) console.error(`saldo-sms: ${error.message}`);
  else console.error('saldo-sms:', error instanceof Error ? `${error.name}: ${error.message}` : 'failed');
  return 1;
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.exitCode = report(error);
  },
);

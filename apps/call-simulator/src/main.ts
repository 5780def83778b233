#!/usr/bin/env node
/**
 * `saldo-call` (npm run call --): plays a phone call to Saldo's voice menu as Twilio would, with
 * signed webhooks: prints what the caller hears and sends the keys given with --digits or typed.
 */
import { randomBytes } from 'node:crypto';
import { DEV_TWILIO_AUTH_TOKEN } from '#config';
import { CallClientError, playCall, scriptedKeypad, type CallEvent } from './call-client.js';
import { parseCli, USAGE, UsageError } from './cli-options.js';
import { keyboardKeypad } from './keyboard-keypad.js';

/** The simulator's output is its product (stdout), not a log line. */
const out = (text: string): void => void process.stdout.write(`${text}\n`);

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCli(argv, DEV_TWILIO_AUTH_TOKEN);
  if (command.kind === 'help') {
    out(USAGE);
    return 0;
  }
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const keyboard = command.digits ? undefined : keyboardKeypad(process.stdin, process.stdout);
  // Typed keys are on the screen already; scripted or piped ones are shown.
  const showKeys = keyboard === undefined || process.stdin.isTTY !== true;
  out(`📞 ${command.from} calling ${command.to} (${callSid})`);
  try {
    await playCall({ ...command, callSid }, keyboard ?? scriptedKeypad(command.digits ?? []), (event) => {
      const line = describe(event, showKeys);
      if (line !== undefined) out(line);
    });
    return 0;
  } finally {
    keyboard?.close();
  }
}

function describe(event: CallEvent, showKeys: boolean): string | undefined {
  switch (event.kind) {
    case 'say':
      return `🔊 ${event.language ? `[${event.language}] ` : ''}${event.text}`;
    case 'keys':
      return showKeys ? `⌨  ${event.digits === '' ? '(no input)' : event.digits}` : undefined;
    case 'redirect':
      return `↪  redirected to ${event.url}`;
    case 'skipped':
      return `·  <${event.verb}> is not simulated: skipped`;
    case 'dial':
      return `☎  transferring to ${event.number}`;
    case 'hangup':
      return '📴 the server hung up';
    case 'caller-hung-up':
      return '📴 the caller hung up';
    case 'document-ended':
      return '📴 the call ended (the TwiML has no next step)';
  }
}

/** Exit status 2 for what the user can fix in the flags, 1 for everything else. */
function report(error: unknown): number {
  if (error instanceof UsageError) {
    console.error(`saldo-call: ${error.message}\ntry saldo-call --help`);
    return 2;
  }
  if (error instanceof CallClientError) console.error(`saldo-call: ${error.message}`);
  else console.error('saldo-call:', error instanceof Error ? `${error.name}: ${error.message}` : 'failed');
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

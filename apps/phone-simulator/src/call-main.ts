#!/usr/bin/env node
/**
 * `saldo-call` (npm run call --): plays a phone call to Saldo's voice menu as Twilio would, with
 * signed webhooks: prints what the caller hears and sends the keys given with --digits or typed.
 */
import { randomBytes } from 'node:crypto';
import { DEV_TWILIO_AUTH_TOKEN } from '#config';
import { playCall, scriptedKeypad, type CallEvent } from './call-client.js';
import { parseCli, USAGE } from './call-options.js';
import { out, runCli, showUsage } from './cli-flags.js';
import { keyboardKeypad } from './keyboard-keypad.js';

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCli(argv, DEV_TWILIO_AUTH_TOKEN);
  if (command.kind === 'help') return showUsage(USAGE);
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

runCli('saldo-call', main);

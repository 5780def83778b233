import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { isKeypadEntry, type Keypad } from './call-client.js';
import type { GatherVerb } from './twiml.js';

/**
 * The caller's keys from a keyboard (or a pipe): one line per Gather, spaces ignored, an empty
 * line for no input; end of input or Ctrl-C hangs up.
 */
export function keyboardKeypad(input: Readable & { isTTY?: boolean }, output: Writable): Keypad & { close(): void } {
  const interactive = input.isTTY === true;
  const rl = createInterface({ input, output, terminal: interactive });
  rl.on('SIGINT', () => rl.close());
  const lines = rl[Symbol.asyncIterator]();
  return {
    async next(gather) {
      for (;;) {
        // Piped keys get no prompt: the caller shows them as they are sent.
        if (interactive) {
          rl.setPrompt(`⌨  keys${hint(gather)}> `);
          rl.prompt();
        }
        const line = await lines.next().catch(() => ({ done: true as const, value: undefined }));
        if (line.done) {
          if (interactive) output.write('\n');
          return undefined;
        }
        const entry = line.value.replace(/\s+/g, '');
        if (isKeypadEntry(entry)) return entry;
        output.write('   keys are 0-9, * and # (an empty line is no input, Ctrl-D hangs up)\n');
      }
    },
    close: () => rl.close(),
  };
}

function hint(gather: GatherVerb): string {
  const parts = [gather.numDigits === undefined ? undefined : gather.numDigits === 1 ? '1 key' : `up to ${gather.numDigits} keys`, gather.finishOnKey ? `end with ${gather.finishOnKey}` : undefined];
  const text = parts.filter((p) => p !== undefined).join(', ');
  return text ? ` (${text})` : '';
}

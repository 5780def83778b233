import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isE164 } from '#domain';
import { WebhookClientError } from './webhook-client.js';

/** A flag the simulator cannot act on (exit status 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The simulator's output is its product (stdout), not a log line. */
export const out = (text: string): void => void process.stdout.write(`${text}\n`);

/** The answer to --help: the usage on stdout, exit status 0. */
export function showUsage(usage: string): number {
  out(usage);
  return 0;
}

/** Strict flags, words allowed; what Node cannot parse is a UsageError. */
export function parseFlags<const O extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    // Node's messages name the flag ("Unknown option '--x'", "Option '--from <value>' argument missing").
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

export function e164(flag: string, text: string): string {
  if (!isE164(text)) throw new UsageError(`${flag} must be an E.164 number, e.g. +15555550100`);
  return text;
}

/** An http(s) URL, without its trailing slashes. */
export function httpUrl(flag: string, text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') throw new UsageError(`${flag} must be an http(s) URL, e.g. http://127.0.0.1:3000`);
  return text.replace(/\/+$/, '');
}

export function integer(flag: string, text: string, min: number, max: number): number {
  const value = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
  return value;
}

/**
 * Runs a simulator's main on the command line's arguments and sets the exit status: main's, or
 * 2 for what the user can fix in the flags, 1 for everything else.
 */
export function runCli(name: string, main: (argv: readonly string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.exitCode = report(name, error);
    },
  );
}

function report(name: string, error: unknown): number {
  if (error instanceof UsageError) {
    console.error(`${name}: ${error.message}\ntry ${name} --help`);
    return 2;
  }
  if (error instanceof WebhookClientError) console.error(`${name}: ${error.message}`);
  else console.error(`${name}:`, error instanceof Error ? `${error.name}: ${error.message}` : 'failed');
  return 1;
}

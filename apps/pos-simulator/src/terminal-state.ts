import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const DEFAULT_STATE_FILE = './data/pos-simulator.json';

/**
 * What a terminal must never reuse, as the last value handed out (0: none yet). `ksnBase` names
 * the initial KSN (or AES initial key ID) the counter belongs to: a terminal given a new initial
 * key starts its counter again.
 */
export interface TerminalCounters {
  readonly stan: number;
  readonly ksnCounter: number;
  readonly ksnBase?: string;
}

export const FRESH_COUNTERS: TerminalCounters = { stan: 0, ksnCounter: 0 };

/** Where terminals keep their counters between runs. */
export interface TerminalStateStore {
  /**
   * Reads the terminal's counters, lets `advance` compute the new ones, and stores them before it
   * resolves: a counter is reserved (durably) before it is used, so a crash skips values rather
   * than repeating them.
   */
  update(tid: string, advance: (current: TerminalCounters) => TerminalCounters): Promise<TerminalCounters>;
}

interface StateFileContent {
  readonly version: 1;
  readonly terminals: Record<string, TerminalCounters>;
}

/**
 * Counters of every simulated terminal in one JSON file, rewritten whole through a temporary file
 * and a rename, so a reader never sees half a file. Updates in one process are serialised; two
 * simulators sharing a file at the same moment could still hand out the same STAN (give each its
 * own `--state`).
 */
export class TerminalStateFile implements TerminalStateStore {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string = DEFAULT_STATE_FILE) {}

  update(tid: string, advance: (current: TerminalCounters) => TerminalCounters): Promise<TerminalCounters> {
    const run = this.#queue.then(async () => {
      const content = await this.#read();
      const next = advance(content.terminals[tid] ?? FRESH_COUNTERS);
      await this.#write({ version: 1, terminals: { ...content.terminals, [tid]: next } });
      return next;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The stored counters of a terminal (fresh ones when it has none). */
  async read(tid: string): Promise<TerminalCounters> {
    await this.#queue;
    return (await this.#read()).terminals[tid] ?? FRESH_COUNTERS;
  }

  async #read(): Promise<StateFileContent> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, terminals: {} };
      throw error;
    }
    const parsed = parseState(text);
    if (!parsed) throw new Error(`the terminal state file ${this.path} is not one this simulator wrote; move it away to start the counters afresh`);
    return parsed;
  }

  async #write(content: StateFileContent): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`, 'utf8');
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

function parseState(text: string): StateFileContent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value.version !== 1 || !isRecord(value.terminals)) return undefined;
  for (const counters of Object.values(value.terminals)) {
    if (!isRecord(counters) || !isCounter(counters.stan) || !isCounter(counters.ksnCounter)) return undefined;
    if (counters.ksnBase !== undefined && typeof counters.ksnBase !== 'string') return undefined;
  }
  return value as unknown as StateFileContent;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCounter = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

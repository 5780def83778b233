import { CryptoError } from '../crypto.port.js';
import type { KeyAdmin, KeyComponent } from './key-admin.js';
import {
  checkKeyRef,
  checkKeySpec,
  isKeyAlgorithm,
  isKeyType,
  KEY_ALGORITHMS,
  KEY_TYPES,
  type KeyAlgorithm,
  type KeyType,
} from './key-types.js';

/**
 * The key ceremony command line (tools/keys.ts, `npm run keys -- …`): generate, import from
 * components, list and retire keys in the key store, through KeyAdmin. Kept apart from the wrapper
 * so tests run it as a function.
 *
 * What it prints: refs, labels, statuses, dates and KCVs. Never a key or a component, not even in
 * an error: argument errors name the option or the component's position, not the value.
 * Exit codes: 0 done; 2 bad arguments or refused input (a CryptoError about the request); 1 any
 * other failure (database, configuration).
 */

export interface KeyCeremonyDeps {
  /** Opens the key store; called only once the arguments are valid. `close` is always called. */
  readonly open: () => Promise<{ readonly admin: KeyAdmin; close(): Promise<void> }>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const KEY_CEREMONY_USAGE = [
  'usage: npm run keys -- <command> [options]',
  '  generate --ref R --type T --algorithm A [--usage U] [--length BYTES]',
  '      a new random key; prints its ref and KCV',
  '  import --ref R --type T --algorithm A [--usage U] --component HEX:KCV --component HEX:KCV [...] [--kcv KCV]',
  '      forms a key from two or more clear components (XOR), each checked against its KCV; TDES',
  '      keys get odd parity; --kcv checks the formed key; prints its ref and KCV',
  '  list',
  '      every key: ref, type, algorithm, usage, status, KCV, created',
  '  retire --ref R',
  `  types: ${KEY_TYPES.join(', ')}; algorithms: ${KEY_ALGORITHMS.join(', ')}`,
  '  Components typed on a command line stay in the shell history: clear it (or use a shell',
  '  that does not keep it) after a ceremony. With the embedded database, stop Saldo first',
  '  (one process per data directory).',
];

class UsageError extends Error {}

interface Command {
  readonly name: 'generate' | 'import' | 'list' | 'retire';
  /** Options it takes; `component` is the only one that may repeat. */
  readonly options: readonly string[];
  readonly required: readonly string[];
}

const COMMANDS: Readonly<Record<string, Command>> = {
  generate: { name: 'generate', options: ['ref', 'type', 'algorithm', 'usage', 'length'], required: ['ref', 'type', 'algorithm'] },
  import: {
    name: 'import',
    options: ['ref', 'type', 'algorithm', 'usage', 'component', 'kcv'],
    required: ['ref', 'type', 'algorithm', 'component'],
  },
  list: { name: 'list', options: [], required: [] },
  retire: { name: 'retire', options: ['ref'], required: ['ref'] },
};

/** Runs one command; returns the process exit code. */
export async function runKeyCeremony(argv: readonly string[], deps: KeyCeremonyDeps): Promise<number> {
  if (argv.length === 1 && (argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h')) {
    KEY_CEREMONY_USAGE.forEach((line) => deps.out(line));
    return 0;
  }
  let request: Request;
  try {
    request = plan(parse(argv));
  } catch (error) {
    if (error instanceof UsageError) deps.err(`keys: ${error.message} (npm run keys -- help)`);
    else if (error instanceof CryptoError) deps.err(`keys: ${error.message}`);
    else throw error;
    return 2;
  }
  let handle: Awaited<ReturnType<KeyCeremonyDeps['open']>> | undefined;
  try {
    handle = await deps.open();
    await execute(request, handle.admin, deps);
    return 0;
  } catch (error) {
    if (error instanceof CryptoError && REQUEST_ERRORS.has(error.code)) {
      deps.err(`keys: ${error.message}`);
      return 2;
    }
    deps.err(`keys: failed: ${firstLine(error)}`);
    return 1;
  } finally {
    await handle?.close();
  }
}

/** CryptoError codes that are about what was asked, not about the system. */
const REQUEST_ERRORS = new Set(['BAD_INPUT', 'UNKNOWN_KEY', 'WRONG_KEY_TYPE']);

function parse(argv: readonly string[]): { command: Command; options: Map<string, string[]> } {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('a command is needed: generate, import, list or retire');
  const command = COMMANDS[name];
  if (!command) throw new UsageError('unknown command (generate, import, list or retire)');
  const options = new Map<string, string[]>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    // Values are never echoed: an unexpected word may be a component typed in the wrong place.
    if (!arg.startsWith('--')) throw new UsageError(`${command.name}: unexpected argument in position ${i + 2}`);
    const eq = arg.indexOf('=');
    const option = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!/^[a-z-]{1,20}$/.test(option) || !command.options.includes(option)) {
      throw new UsageError(`${command.name}: unknown option${/^[a-z-]{1,20}$/.test(option) ? ` --${option}` : ''}`);
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < rest.length && !rest[i + 1].startsWith('--')) value = rest[++i];
    if (value === undefined || value === '') throw new UsageError(`${command.name}: --${option} needs a value`);
    const values = options.get(option) ?? [];
    if (values.length > 0 && option !== 'component') throw new UsageError(`${command.name}: --${option} is given twice`);
    options.set(option, [...values, value]);
  }
  for (const option of command.required) {
    if (!options.has(option)) throw new UsageError(`${command.name} needs --${option}`);
  }
  return { command, options };
}

type Label = { ref: string; type: KeyType; algorithm: KeyAlgorithm; usage?: string };

/** A fully checked request: everything that can be refused without the key store is refused here. */
type Request =
  | { readonly command: 'generate'; readonly label: Label; readonly lengthBytes?: number }
  | { readonly command: 'import'; readonly label: Label; readonly components: KeyComponent[]; readonly expectedKcv?: string }
  | { readonly command: 'list' }
  | { readonly command: 'retire'; readonly ref: string };

function plan({ command, options }: { command: Command; options: Map<string, string[]> }): Request {
  const one = (option: string): string | undefined => options.get(option)?.[0];
  switch (command.name) {
    case 'generate': {
      const length = one('length');
      if (length !== undefined && !/^\d{1,3}$/.test(length)) throw new UsageError('generate: --length is a number of bytes');
      return { command: 'generate', label: label(options), ...(length === undefined ? {} : { lengthBytes: Number(length) }) };
    }
    case 'import': {
      const components = options.get('component')!.map(component);
      if (components.length < 2) throw new UsageError('import: a key is formed from at least two components (--component twice or more)');
      const expectedKcv = one('kcv');
      return { command: 'import', label: label(options), components, ...(expectedKcv === undefined ? {} : { expectedKcv }) };
    }
    case 'list':
      return { command: 'list' };
    case 'retire':
      checkKeyRef(one('ref')!);
      return { command: 'retire', ref: one('ref')! };
  }
}

async function execute(request: Request, admin: KeyAdmin, deps: KeyCeremonyDeps): Promise<void> {
  switch (request.command) {
    case 'generate': {
      const { ref, kcv } = await admin.generateKey({ ...request.label, lengthBytes: request.lengthBytes });
      deps.out(`${ref} KCV ${kcv}`);
      return;
    }
    case 'import': {
      const formed = await admin.importComponents({ ...request.label, components: request.components, expectedKcv: request.expectedKcv });
      formed.notices.forEach((notice) => deps.err(`keys: note: ${notice}`));
      deps.out(`${formed.ref} KCV ${formed.kcv}`);
      return;
    }
    case 'list': {
      const keys = await admin.listKeys();
      const rows = [
        ['REF', 'TYPE', 'ALGORITHM', 'USAGE', 'STATUS', 'KCV', 'CREATED'],
        ...keys.map((k) => [k.ref, k.type, k.algorithm, k.usage, k.status, k.kcv, k.createdAt.toISOString()]),
      ];
      const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
      for (const row of rows) deps.out(row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  '));
      if (keys.length === 0) deps.err('keys: the key store is empty');
      return;
    }
    case 'retire': {
      await admin.retireKey(request.ref);
      deps.out(`${request.ref} retired`);
      return;
    }
  }
}

function label(options: Map<string, string[]>): Label {
  const type = options.get('type')![0];
  const algorithm = options.get('algorithm')![0];
  if (!isKeyType(type)) throw new UsageError(`--type is one of ${KEY_TYPES.join(', ')}`);
  if (!isKeyAlgorithm(algorithm)) throw new UsageError(`--algorithm is one of ${KEY_ALGORITHMS.join(', ')}`);
  const usage = options.get('usage')?.[0];
  const result = { ref: options.get('ref')![0], type, algorithm, ...(usage === undefined ? {} : { usage }) };
  checkKeySpec(result); // ref syntax, type/algorithm pairing, usage code: refused before the store is opened
  return result;
}

/** "HEX:KCV" → a component; the error names its position only. */
function component(value: string, index: number): KeyComponent {
  const colon = value.lastIndexOf(':');
  if (colon <= 0 || colon === value.length - 1) throw new UsageError(`import: --component ${index + 1} is not HEX:KCV`);
  return { hex: value.slice(0, colon), kcv: value.slice(colon + 1) };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
  return text.split('\n', 1)[0].slice(0, 300);
}

/**
 * Operator accounts on the command line: `npm run operators -- help` (built to dist/tools/operators.js).
 * The commands live in libs/console/src/operators/operator-commands.ts; this file wires the real
 * configuration, database and process streams to them.
 */
import { configFromEnvironment } from '#config';
import { createPrismaClient } from '#db';
import { runOperatorCommand } from '#console';

/** A line from a pipe, or typed at a terminal without echo. */
async function readPassword(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').split('\n')[0] ?? '';
  }
  process.stderr.write('password: ');
  stdin.setRawMode(true);
  let typed = '';
  try {
    for await (const chunk of stdin) {
      for (const ch of (chunk as Buffer).toString('utf8')) {
        if (ch === '\r' || ch === '\n') return typed;
        if (ch === '\u0003') throw new Error('cancelled');
        typed = ch === '\u007f' ? typed.slice(0, -1) : typed + ch;
      }
    }
    return typed;
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

process.exitCode = await runOperatorCommand(process.argv.slice(2), {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
  readPassword,
  async open() {
    const config = configFromEnvironment();
    if (config.database.driver === 'pglite') {
      process.stderr.write(`operators: embedded database in ${config.database.dataDir}: Saldo must not be running (one process per data directory)\n`);
    }
    const db = await createPrismaClient(config.database);
    return { prisma: db.prisma, close: () => db.close() };
  },
});

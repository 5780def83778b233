import { describe, expect, it } from 'vitest';
import { keyCheckValue } from '../../libs/hsm/src/software/kcv.js';
import { KeyAdmin } from '../../libs/hsm/src/software/key-admin.js';
import { runKeyCeremony } from '../../libs/hsm/src/software/key-ceremony.js';
import { MemoryKeyStore } from '../../libs/hsm/src/software/key-store.js';
import { Lmk } from '../../libs/hsm/src/software/lmk.js';
import { TEST_LMK } from './helpers.js';

// The demo TPK of issue 3 (KCV 06332B, payments-facts.md §7), split into two custodians' components.
const TPK_HEX = 'DDDDEEEEFFFFAAAABBBBCCCCDDDDEEEE';
const C1 = '0F1E2D3C4B5A69788796A5B4C3D2E1F0';
const C2 = xorHex(TPK_HEX, C1);

function xorHex(a: string, b: string): string {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return Buffer.from(x.map((byte, i) => byte ^ y[i])).toString('hex').toUpperCase();
}
const kcv = (hex: string) => keyCheckValue('TDES', Buffer.from(hex, 'hex'));

function ceremony() {
  const store = new MemoryKeyStore();
  const admin = new KeyAdmin(TEST_LMK, store);
  const lines: { out: string[]; err: string[] } = { out: [], err: [] };
  let opened = 0;
  let closed = 0;
  const run = (...argv: string[]) =>
    runKeyCeremony(argv, {
      out: (line) => lines.out.push(line),
      err: (line) => lines.err.push(line),
      open: async () => {
        opened++;
        return { admin, close: async () => void closed++ };
      },
    });
  const printed = () => [...lines.out, ...lines.err].join('\n');
  return { store, run, lines, printed, counts: () => ({ opened, closed }) };
}

describe('key ceremony (npm run keys)', () => {
  it('import: two components XOR-combined, each checked against its KCV; prints only ref and KCV 06332B', async () => {
    const { run, lines, store, printed } = ceremony();
    const code = await run('import', '--ref', 'TPK.T9', '--type', 'TPK', '--algorithm', 'TDES', '--component', `${C1}:${kcv(C1)}`, '--component', `${C2}:${kcv(C2)}`, '--kcv', '06332B');
    expect(code).toBe(0);
    expect(lines.out).toEqual(['TPK.T9 KCV 06332B']);
    const stored = await store.find('TPK.T9');
    expect(stored).toMatchObject({ type: 'TPK', algorithm: 'TDES', kcv: '06332B', status: 'ACTIVE' });
    // The formed key, unwrapped under the LMK, is the XOR with odd parity: same DES key, same KCV.
    const clear = new Lmk(TEST_LMK).unwrap(stored!.encryptedValue, stored!);
    expect(keyCheckValue('TDES', clear)).toBe('06332B');
    for (const secret of [TPK_HEX, C1, C2]) {
      expect(printed().toUpperCase()).not.toContain(secret);
      expect(stored!.encryptedValue.toUpperCase()).not.toContain(secret);
    }
  });

  it('import refuses a component whose KCV does not match, naming its position only, before storing anything', async () => {
    const { run, lines, store, printed } = ceremony();
    const code = await run('import', '--ref', 'TPK.T9', '--type', 'TPK', '--algorithm', 'TDES', '--component', `${C1}:${kcv(C1)}`, '--component', `${C2}:000000`);
    expect(code).toBe(2);
    expect(lines.err.join('\n')).toMatch(/component 2 does not match its KCV/);
    expect(printed().toUpperCase()).not.toContain(C2);
    expect(await store.find('TPK.T9')).toBeUndefined();
  });

  it('import needs at least two components; the store is not even opened', async () => {
    const { run, lines, counts } = ceremony();
    expect(await run('import', '--ref', 'TPK.T9', '--type', 'TPK', '--algorithm', 'TDES', '--component', `${TPK_HEX}:06332B`)).toBe(2);
    expect(lines.err.join('\n')).toMatch(/at least two components/);
    expect(counts().opened).toBe(0);
  });

  it('generate prints a KCV; list shows ref, type, status and KCV; retire retires; the store is closed every time', async () => {
    const { run, lines, store, counts } = ceremony();
    expect(await run('generate', '--ref', 'PVK.2', '--type', 'PVK', '--algorithm', 'TDES')).toBe(0);
    const [line] = lines.out.splice(0);
    expect(line).toMatch(/^PVK\.2 KCV [0-9A-F]{6}$/);
    const generated = line.slice(-6);
    expect((await store.find('PVK.2'))?.kcv).toBe(generated);

    expect(await run('list')).toBe(0);
    expect(lines.out[0]).toMatch(/^REF\s+TYPE\s+ALGORITHM\s+USAGE\s+STATUS\s+KCV\s+CREATED$/);
    expect(lines.out[1]).toMatch(new RegExp(`^PVK\\.2\\s+PVK\\s+TDES\\s+V0\\s+ACTIVE\\s+${generated}\\s+\\d{4}-`));
    lines.out.splice(0);

    expect(await run('retire', '--ref', 'PVK.2')).toBe(0);
    expect(lines.out).toEqual(['PVK.2 retired']);
    expect((await store.find('PVK.2'))?.status).toBe('RETIRED');
    expect(await run('retire', '--ref', 'PVK.2')).toBe(2);
    expect(lines.err.at(-1)).toMatch(/already retired/);
    expect(counts()).toEqual({ opened: 4, closed: 4 });
  });

  it('bad arguments: exit 2 with a specific message, a stray value is never echoed', async () => {
    const { run, lines } = ceremony();
    expect(await run()).toBe(2);
    expect(await run('rotate')).toBe(2);
    expect(await run('generate', '--ref', 'K', '--type', 'TPK', '--algorithm', 'HMAC')).toBe(2);
    expect(await run('generate', '--ref', 'K', '--type', 'NOPE', '--algorithm', 'TDES')).toBe(2);
    expect(await run('retire', TPK_HEX)).toBe(2);
    expect(lines.err).toHaveLength(5);
    expect(lines.err[0]).toMatch(/a command is needed/);
    expect(lines.err[1]).toMatch(/unknown command/);
    expect(lines.err[3]).toMatch(/--type is one of/);
    expect(lines.err[4]).toMatch(/unexpected argument in position 2/);
    expect(lines.err.join('\n')).not.toContain(TPK_HEX);
  });

  it('a failure of the store is exit 1, reported in one line', async () => {
    const err: string[] = [];
    const code = await runKeyCeremony(['list'], {
      out: () => undefined,
      err: (line) => err.push(line),
      open: async () => ({
        admin: { listKeys: () => Promise.reject(new Error('connection refused\n  at stack')) } as unknown as KeyAdmin,
        close: async () => undefined,
      }),
    });
    expect(code).toBe(1);
    expect(err).toEqual(['keys: failed: Error: connection refused']);
  });
});

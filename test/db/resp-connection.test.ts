import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRedisUrl, RespConnection, RespScript } from '../../libs/platform/src/redis/resp-connection.js';
import { RespError } from '../../libs/platform/src/redis/resp-reader.js';
import { REDIS_URL, uniquePrefix } from '../support/databases.js';

const prefix = uniquePrefix('resp');
const open: RespConnection[] = [];
function connection(url = REDIS_URL, options: ConstructorParameters<typeof RespConnection>[1] = {}): RespConnection {
  const c = new RespConnection(url, options);
  open.push(c);
  return c;
}
afterAll(async () => {
  await Promise.all(open.map((c) => c.quit()));
});

describe('RespConnection against Redis', () => {
  it('pipelines the commands of one turn and matches every reply to its command', async () => {
    const redis = connection();
    const keys = Array.from({ length: 200 }, (_, i) => `${prefix}:k${i}`);
    const sets = keys.map((k, i) => redis.send(['SET', k, `v${i}é`, 'PX', 60_000]));
    const gets = keys.map((k) => redis.send(['GET', k]));
    expect(await Promise.all(sets)).toEqual(keys.map(() => 'OK'));
    expect(await Promise.all(gets)).toEqual(keys.map((_, i) => `v${i}é`));
    expect(await redis.send(['GET', `${prefix}:absent`])).toBeNull();
    expect(await redis.send(['DEL', ...keys])).toBe(200);
  });

  it('carries a large value both ways (an audit export file)', async () => {
    const redis = connection();
    const file = 'id,at,channel\n' + 'row,2026-12-03T13:28:19.956Z,pos,é\n'.repeat(200_000);
    await redis.send(['SET', `${prefix}:file`, file, 'PX', 60_000]);
    expect((await redis.send(['GET', `${prefix}:file`])) === file).toBe(true);
    await redis.send(['DEL', `${prefix}:file`]);
  });

  it('rejects only the command Redis refused', async () => {
    const redis = connection();
    const [bad, good] = await Promise.allSettled([redis.send(['NOSUCHCOMMAND']), redis.send(['PING'])]);
    expect(bad.status === 'rejected' && bad.reason instanceof RespError && /unknown command/i.test(bad.reason.message)).toBe(true);
    expect(good).toEqual({ status: 'fulfilled', value: 'PONG' });
  });

  it('runs a script by its SHA-1, loading it when Redis does not have it', async () => {
    const redis = connection();
    const script = new RespScript(`return {KEYS[1], ARGV[1], ${Date.now()}}`);
    await redis.send(['SCRIPT', 'FLUSH']);
    const first = await redis.evalScript(script, [`${prefix}:s`], ['x']);
    expect(await redis.send(['SCRIPT', 'EXISTS', script.sha])).toEqual([1]);
    expect(await redis.evalScript(script, [`${prefix}:s`], ['x'])).toEqual(first);
    expect((first as unknown[]).slice(0, 2)).toEqual([`${prefix}:s`, 'x']);
  });

  it('reconnects after Redis drops it; the command in flight is rejected, later ones succeed', async () => {
    const redis = connection();
    const id = await redis.send(['CLIENT', 'ID']);
    // Its rejection is caught at once: it may come while the killer's commands are still awaited.
    const blocked = redis.send(['BLPOP', `${prefix}:never`, 5]).then(
      () => undefined,
      (err: unknown) => err,
    );
    const killer = connection();
    // Once the killer's own answer is back, the BLPOP has long been written and is waiting.
    await killer.send(['PING']);
    await killer.send(['CLIENT', 'KILL', 'ID', String(id)]);
    expect(String(await blocked)).toMatch(/connection lost/);
    let answer: unknown;
    for (let i = 0; i < 50 && answer !== 'PONG'; i++) answer = await redis.send(['PING']).catch(() => new Promise((r) => setTimeout(r, 20)));
    expect(answer).toBe('PONG');
    expect(await redis.send(['CLIENT', 'ID'])).not.toBe(id);
  });

  it('authenticates and selects the database named in the URL', async () => {
    const admin = connection();
    const user = `${prefix.replace(/[^a-zA-Z0-9]/g, '')}user`;
    await admin.send(['ACL', 'SETUSER', user, 'on', '>s3cret pass', '~*', '+@all']);
    try {
      const url = new URL(REDIS_URL);
      url.username = user;
      url.password = encodeURIComponent('s3cret pass');
      url.pathname = '/3';
      const redis = connection(url.toString());
      expect(await redis.send(['ACL', 'WHOAMI'])).toBe(user);
      await redis.send(['SET', `${prefix}:db3`, 'here', 'PX', 60_000]);
      expect(await admin.send(['GET', `${prefix}:db3`])).toBeNull();
      expect(await redis.send(['GET', `${prefix}:db3`])).toBe('here');

      url.password = 'wrong';
      const refused = connection(url.toString(), { connectTimeoutMs: 500 });
      await expect(refused.send(['PING'])).rejects.toThrow(/not connected/);
      expect(refused.ready).toBe(false);
    } finally {
      await admin.send(['ACL', 'DELUSER', user]);
    }
  });

  it('fails commands within one attempt when nothing answers, and after quit', async () => {
    const silent: Server = createServer(() => undefined); // accepts, never answers the handshake
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const redis = connection(`redis://:pw@127.0.0.1:${port}`, { connectTimeoutMs: 200 });
      const started = Date.now();
      await expect(redis.send(['PING'])).rejects.toThrow(/not connected/);
      expect(Date.now() - started).toBeLessThan(2_000);
      await redis.quit();
      await expect(redis.send(['PING'])).rejects.toThrow(/closed/);
    } finally {
      silent.close();
    }
  });
});

describe('RespConnection when the server misbehaves', () => {
  async function server(onConnection: (socket: Socket) => void, allowHalfOpen = false): Promise<{ url: string; connections: () => number; close: () => void }> {
    let count = 0;
    const sockets = new Set<Socket>();
    const s: Server = createServer({ allowHalfOpen }, (socket) => {
      count++;
      sockets.add(socket);
      socket.on('error', () => undefined);
      onConnection(socket);
    });
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const port = (s.address() as { port: number }).port;
    return {
      url: `redis://127.0.0.1:${port}`,
      connections: () => count,
      close: () => {
        for (const socket of sockets) socket.destroy();
        s.close();
      },
    };
  }

  it('drops a connection whose replies stop coming, rejecting what waited', async () => {
    const silent = await server(() => undefined);
    try {
      const redis = connection(silent.url, { replyTimeoutMs: 200 });
      const started = Date.now();
      await expect(redis.send(['PING'])).rejects.toThrow(/connection lost/);
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      silent.close();
    }
  });

  it('refuses an empty command instead of shifting every later reply', async () => {
    const redis = connection();
    await expect(redis.send([])).rejects.toThrow(/empty command/);
    expect(await redis.send(['ECHO', 'mine'])).toBe('mine');
  });

  it('backs off against a server that accepts and refuses at once', async () => {
    const full = await server((socket) => socket.end('-ERR max number of clients reached\r\n'));
    try {
      const redis = connection(full.url);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      redis.disconnect();
      // 50, 100, 200, 400 ms apart: about five attempts in a second, not one every 50 ms.
      expect(full.connections()).toBeLessThanOrEqual(7);
    } finally {
      full.close();
    }
  });

  it('quits within the connect timeout when the peer never closes its side', async () => {
    // Half-open allowed: our FIN does not close its side.
    const sticky = await server((socket) => socket.on('data', () => undefined), true);
    try {
      const redis = connection(sticky.url, { connectTimeoutMs: 300 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      await redis.quit();
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      sticky.close();
    }
  });

  it('carries on when the URL has a password and Redis has none, as ioredis does', async () => {
    const url = new URL(REDIS_URL);
    url.password = 'unused';
    expect(await connection(url.toString()).send(['PING'])).toBe('PONG');
  });
});

describe('parseRedisUrl', () => {
  it('reads host, port, TLS, credentials and database', () => {
    expect(parseRedisUrl('redis://127.0.0.1')).toEqual({ host: '127.0.0.1', port: 6379, tls: false, handshake: [] });
    expect(parseRedisUrl('rediss://u:p%40ss@cache.bank:6380/2')).toEqual({
      host: 'cache.bank',
      port: 6380,
      tls: true,
      handshake: [
        ['AUTH', 'u', 'p@ss'],
        ['SELECT', '2'],
      ],
    });
    expect(parseRedisUrl('redis://:pw@[::1]:7000/0').handshake).toEqual([['AUTH', 'pw']]);
    expect(() => parseRedisUrl('http://x')).toThrow(/redis:\/\//);
    expect(() => parseRedisUrl('redis://x/db')).toThrow(/database number/);
  });
});

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consoleForm, signInOperator, type OperatorClient } from '../support/console.js';
import { postJson, startTestApp, type TestApp } from '../support/test-app.js';

const storage = inject('storage');
const PUBLIC = 'https://saldo.example.test';
const HARBOR_CARD = '4761739001010010';

const unescape = (text: string) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const alertOf = (html: string) => unescape(/role="alert">([^<]+)</.exec(html)?.[1] ?? '');
const secretOf = (html: string) => /id="secret" value="([^"]+)"/.exec(html)?.[1];

describe(`console management (${storage})`, () => {
  let t: TestApp;
  let admin: OperatorClient;
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await startTestApp('console-manage', storage, { PUBLIC_BASE_URL: PUBLIC, RATE_CARD_PER_MINUTE: '1000' });
    admin = await signInOperator(t, PUBLIC, 'admin', 'saldo-admin-demo');
  });
  afterAll(async () => t?.close());

  const operatorEvents = (action: string) => t.prisma.auditEvent.findMany({ where: { channel: 'console', outcome: action }, orderBy: { id: 'asc' } });
  const token = (clientId: string, secret: string) =>
    fetch(`${t.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
    });

  it('lists terminals, adds one, names the exact problem with a bad one, disables and changes keys', async () => {
    const page = await (await admin.get('/console/terminals')).text();
    expect(page).toContain('<code>SALDO001</code>');
    expect(page).toContain('within 5 seconds');
    expect(page).toContain('<label for="tid">');

    const good = { tid: 'SALDO009', mid: 'SALDOMERCHANT09', pinMode: 'FIXED_KEY', pinBlockFormat: 'ISO-0', pinKeyRef: 'TPK.SALDO003', dukptInitialId: '', macRequired: 'on', macKeyRef: 'TAK.SALDO003' };
    const added = await admin.post('/console/terminals', good);
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe('/console/terminals?done=added&tid=SALDO009');
    const row = await t.prisma.terminal.findUniqueOrThrow({ where: { tid: 'SALDO009' } });
    expect(row).toMatchObject({ mid: 'SALDOMERCHANT09', status: 'ACTIVE', pinMode: 'FIXED_KEY', pinKeyRef: 'TPK.SALDO003', macRequired: true, macKeyRef: 'TAK.SALDO003' });

    const refusals: [Record<string, string>, number, string][] = [
      [{ ...good, tid: 'SALDO001' }, 409, 'Terminal SALDO001 already exists'],
      [{ ...good, tid: 'SHORT' }, 400, 'exactly 8'],
      [{ ...good, tid: 'SALDO010', mid: 'TOO-SHORT' }, 400, 'merchant id (MID) is exactly 15'],
      [{ ...good, tid: 'SALDO010', pinKeyRef: 'TAK.SALDO003' }, 400, 'Key "TAK.SALDO003" is a TAK key; the PIN key of a fixed-key terminal must be a TPK or ZPK.'],
      [{ ...good, tid: 'SALDO010', pinKeyRef: 'NO.SUCH.KEY' }, 400, 'There is no key "NO.SUCH.KEY" in the key store'],
      [{ ...good, tid: 'SALDO010', pinBlockFormat: 'ISO-4' }, 400, 'Key "TPK.SALDO003" is TDES; the PIN key of a fixed-key terminal must be AES here.'],
      [{ ...good, tid: 'SALDO010', pinMode: 'DUKPT_AES', pinBlockFormat: 'ISO-4', pinKeyRef: 'BDK.TDES.DEMO', dukptInitialId: '1234567890123456' }, 400, 'Key "BDK.TDES.DEMO" is TDES'],
      [{ ...good, tid: 'SALDO010', pinMode: 'DUKPT_TDES', pinKeyRef: 'BDK.TDES.DEMO', dukptInitialId: '12AB' }, 400, 'initial key serial number (KSN): 20 hex digits'],
      [{ ...good, tid: 'SALDO010', macKeyRef: '' }, 400, 'needs a MAC key reference'],
      [{ ...good, tid: 'SALDO010', pinMode: 'NONE' }, 400, 'leave them empty'],
    ];
    for (const [form, status, words] of refusals) {
      const res = await admin.post('/console/terminals', form);
      const html = await res.text();
      expect([res.status, alertOf(html)]).toEqual([status, expect.stringContaining(words)]);
      expect(html).toContain(`value="${form.mid}"`); // the form comes back as typed
    }
    expect(await t.prisma.terminal.count({ where: { tid: 'SALDO010' } })).toBe(0);

    // A TDES DUKPT terminal that MACs under its own BDK is fine.
    const dukpt = { tid: 'SALDO010', mid: 'SALDOMERCHANT10', pinMode: 'DUKPT_TDES', pinBlockFormat: 'ISO-0', pinKeyRef: 'BDK.TDES.DEMO', dukptInitialId: 'ffff9876543210e00000', macRequired: 'on', macKeyRef: 'BDK.TDES.DEMO' };
    expect((await admin.post('/console/terminals', dukpt)).status).toBe(303);
    expect((await t.prisma.terminal.findUniqueOrThrow({ where: { tid: 'SALDO010' } })).dukptInitialId).toBe('FFFF9876543210E00000');

    expect((await admin.post(`/console/terminals/${row.id}/disable`)).status).toBe(303);
    expect((await t.prisma.terminal.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('DISABLED');
    expect(await (await admin.get(`/console/terminals/${row.id}`)).text()).toContain('<legend>PIN entry</legend>');
    const badKeys = await admin.post(`/console/terminals/${row.id}/keys`, { pinMode: 'FIXED_KEY', pinBlockFormat: 'ISO-0', pinKeyRef: 'PVK', macKeyRef: '' });
    expect([badKeys.status, alertOf(await badKeys.text())]).toEqual([400, expect.stringContaining('Key "PVK" is a PVK key')]);
    expect((await admin.post(`/console/terminals/${row.id}/keys`, { pinMode: 'NONE', pinBlockFormat: '', pinKeyRef: '', dukptInitialId: '', macKeyRef: '' })).status).toBe(303);
    expect(await t.prisma.terminal.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ pinMode: 'NONE', pinKeyRef: null, macRequired: false, macKeyRef: null });
    expect((await admin.post(`/console/terminals/${row.id}/enable`)).status).toBe(303);

    const changes = (await operatorEvents('TERMINAL_CHANGED')).map((e) => e.detail as Record<string, unknown>);
    expect(changes.map((d) => [d.change, d.tid])).toEqual([
      ['added', 'SALDO009'],
      ['added', 'SALDO010'],
      ['disabled', 'SALDO009'],
      ['keys', 'SALDO009'],
      ['enabled', 'SALDO009'],
    ]);
  });

  it('adds an issuer and BIN ranges, refuses an overlapping or malformed range with the reason, removes one', async () => {
    const harbor = await t.prisma.issuer.findUniqueOrThrow({ where: { code: 'HARBOR' } });
    const page = await (await admin.get('/console/issuers')).text();
    expect(page).toContain('<code>476173</code>');
    expect(page).toContain('within that time');

    const added = await admin.post(`/console/issuers/${harbor.id}/ranges`, { low: '47617400', high: '47617499' });
    expect(added.status).toBe(303);
    const range = await t.prisma.binRange.findUniqueOrThrow({ where: { low_high: { low: '47617400', high: '47617499' } } });
    expect(range.issuerId).toBe(harbor.id);

    const bad: [Record<string, string>, number, string][] = [
      [{ low: '47617300', high: '47617399' }, 409, '47617300-47617399 overlaps the range 476173-476173 of HARBOR'],
      [{ low: '4761745', high: '4761745' }, 409, 'overlaps the range 47617400-47617499 of HARBOR'],
      [{ low: '4761', high: '47619' }, 400, 'the same number of digits (here 4 and 5)'],
      [{ low: '47619999', high: '47619000' }, 400, 'The low end (47619999) is above the high end (47619000).'],
      [{ low: '47a1', high: '4799' }, 400, '4 to 12 digits'],
    ];
    for (const [form, status, words] of bad) {
      const res = await admin.post(`/console/issuers/${harbor.id}/ranges`, form);
      const html = await res.text();
      expect([res.status, alertOf(html)]).toEqual([status, expect.stringContaining(words)]);
      expect(html).toContain(`value="${form.low}"`);
    }

    expect((await admin.post('/console/issuers', { code: 'acme', name: 'Acme Bank', currency: 'eur', locale: 'de-de' })).status).toBe(303);
    const acme = await t.prisma.issuer.findUniqueOrThrow({ where: { code: 'ACME' } });
    expect(acme).toMatchObject({ name: 'Acme Bank', currency: 'EUR', locale: 'de-DE' });
    for (const [form, words] of [
      [{ code: 'ACME', name: 'Again', currency: 'EUR', locale: 'de-DE' }, 'Issuer ACME already exists.'],
      [{ code: 'ZED', name: 'Zed', currency: 'ABC', locale: 'en-US' }, 'ISO 4217'],
      [{ code: 'ZED', name: 'Zed', currency: 'USD', locale: 'not a locale!' }, 'BCP 47'],
    ] as const) {
      expect(alertOf(await (await admin.post('/console/issuers', form)).text())).toContain(words);
    }
    expect((await admin.post(`/console/issuers/${acme.id}/ranges`, { low: '999900', high: '999999' })).status).toBe(303);

    expect((await admin.post(`/console/issuers/ranges/${range.id}/remove`)).status).toBe(303);
    expect(await t.prisma.binRange.count({ where: { id: range.id } })).toBe(0);
    const again = await admin.post(`/console/issuers/ranges/${range.id}/remove`);
    expect([again.status, alertOf(await again.text())]).toEqual([404, expect.stringContaining('No such BIN range')]);
    const [last] = await t.prisma.binRange.findMany({ where: { issuerId: harbor.id } });
    const lastOne = await admin.post(`/console/issuers/ranges/${last.id}/remove`);
    expect([lastOne.status, alertOf(await lastOne.text())]).toEqual([409, expect.stringContaining('cards of HARBOR with BIN 476173 would route to no issuer')]);
    // Not the last range, but the one that holds every card: refused the same.
    expect((await admin.post(`/console/issuers/${harbor.id}/ranges`, { low: '555500', high: '555599' })).status).toBe(303);
    expect((await admin.post(`/console/issuers/ranges/${last.id}/remove`)).status).toBe(409);
    const spare = await t.prisma.binRange.findFirstOrThrow({ where: { issuerId: harbor.id, low: '555500' } });
    expect((await admin.post(`/console/issuers/ranges/${spare.id}/remove`)).status).toBe(303);

    const changes = (await operatorEvents('ISSUER_CHANGED')).map((e) => e.detail as Record<string, unknown>);
    expect(changes.map((d) => d.change)).toEqual(['range-added', 'issuer-added', 'range-added', 'range-removed', 'range-added', 'range-removed']);
    expect(changes[0]).toMatchObject({ issuer: 'HARBOR', low: '47617400', high: '47617499' });
  });

  /** A query's status once the gateway's requester cache (5 s) has had time to see a change (polled, at most 10 s). */
  async function statusOnceCached(bearer: string): Promise<number> {
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 10_000) {
      status = (await postJson(t.baseUrl, '/v1/balance-inquiries', bearer, { pan: HARBOR_CARD })).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 250));
    }
    return status;
  }

  it('creates a partner client whose secret is shown once, works, rotates and is revoked', async () => {
    const create = await admin.post('/console/partners', { clientId: 'acme-app', name: 'Acme app', scopes: 'balances:read', issuers: 'HARBOR' });
    expect(create.status).toBe(201);
    expect(create.headers.get('cache-control')).toBe('no-store');
    const first = secretOf(await create.text())!;
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    secrets.push(first);
    const stored = await t.prisma.partnerClient.findUniqueOrThrow({ where: { clientId: 'acme-app' }, include: { issuers: true } });
    expect(stored.secretHash).toMatch(/^\$argon2id\$/);
    expect(stored).toMatchObject({ scopes: ['balances:read'], allIssuers: false, status: 'ACTIVE', rotatedAt: null });
    expect(stored.issuers).toHaveLength(1);
    // Listed without the secret.
    const list = await (await admin.get('/console/partners')).text();
    expect(list).toContain('<code>acme-app</code>');
    expect(list).not.toContain(first);

    const duplicate = await admin.post('/console/partners', { clientId: 'acme-app', name: 'Again', scopes: 'balances:read', allIssuers: 'on' });
    expect([duplicate.status, alertOf(await duplicate.text())]).toEqual([409, expect.stringContaining('acme-app already exists')]);
    const noIssuer = await admin.post('/console/partners', { clientId: 'other-app', name: 'Other', scopes: 'balances:read' });
    expect([noIssuer.status, alertOf(await noIssuer.text())]).toEqual([400, expect.stringContaining('Pick the issuers')]);

    const firstToken = await token('acme-app', first);
    expect(firstToken.status).toBe(200);
    const bearer = ((await firstToken.json()) as { access_token: string }).access_token;
    const answered = await postJson(t.baseUrl, '/v1/balance-inquiries', bearer, { pan: HARBOR_CARD });
    expect(answered.status).toBe(200);
    expect(answered.body.card.issuer).toBe('HARBOR');

    // Rotation ends the tokens the old secret got (token times are whole seconds: let this one's second pass).
    await new Promise((r) => setTimeout(r, 1_050 - (Date.now() % 1_000)));
    const rotated = await admin.post(`/console/partners/${stored.id}/rotate`);
    expect(rotated.status).toBe(200);
    const second = secretOf(await rotated.text())!;
    secrets.push(second);
    expect(second).not.toBe(first);
    expect((await token('acme-app', first)).status).toBe(401);
    expect((await token('acme-app', second)).status).toBe(200);
    expect((await t.prisma.partnerClient.findUniqueOrThrow({ where: { id: stored.id } })).rotatedAt).toBeInstanceOf(Date);
    expect(await statusOnceCached(bearer)).toBe(401);
    const secondBearer = ((await (await token('acme-app', second)).json()) as { access_token: string }).access_token;
    expect((await postJson(t.baseUrl, '/v1/balance-inquiries', secondBearer, { pan: HARBOR_CARD })).status).toBe(200);
    const key = { 'idempotency-key': `acme-${Date.now()}` };
    expect((await postJson(t.baseUrl, '/v1/balance-inquiries', secondBearer, { pan: HARBOR_CARD }, key)).status).toBe(200);

    const revoked = await admin.post(`/console/partners/${stored.id}/revoke`);
    expect(revoked.status).toBe(303);
    expect((await t.prisma.partnerClient.findUniqueOrThrow({ where: { id: stored.id } })).status).toBe('DISABLED');
    expect((await token('acme-app', second)).status).toBe(401);
    // A token issued before the revocation is refused once the requester cache (5 s) has passed (the card limit is raised in this file: the polls ask often).
    expect(await statusOnceCached(secondBearer)).toBe(401);
    // Nor is a stored answer given again to it: the replay is refused, and audited as one.
    const replay = await postJson(t.baseUrl, '/v1/balance-inquiries', secondBearer, { pan: HARBOR_CARD }, key);
    expect([replay.status, replay.body.code, replay.headers.get('idempotent-replayed')]).toEqual([401, 'UNAUTHENTICATED', null]);
    const refusedReplay = await t.prisma.auditEvent.findFirst({ where: { requester: { contains: 'acme-app' }, detail: { path: ['replay'], equals: true } } });
    expect(refusedReplay?.outcome).toBe('UNAUTHENTICATED');
    expect((await admin.post(`/console/partners/${stored.id}/rotate`)).status).toBe(409);

    const changes = (await operatorEvents('PARTNER_CHANGED')).map((e) => e.detail as Record<string, unknown>);
    expect(changes.map((d) => [d.change, d.clientId])).toEqual([
      ['created', 'acme-app'],
      ['rotated', 'acme-app'],
      ['revoked', 'acme-app'],
    ]);
  });

  it('changes a client’s scopes and issuers', async () => {
    const wallet = await t.prisma.partnerClient.findUniqueOrThrow({ where: { clientId: 'wallet-app' } });
    expect(await (await admin.get(`/console/partners/${wallet.id}`)).text()).toContain('<legend>Scopes</legend>');
    const none = await admin.post(`/console/partners/${wallet.id}/access`, { allIssuers: 'on' });
    expect([none.status, alertOf(await none.text())]).toEqual([400, 'Grant at least one scope.']);
    // Checkboxes: one field per ticked box.
    const form = new URLSearchParams([['csrf', await admin.csrf()], ['scopes', 'balances:read'], ['scopes', 'transactions:read'], ['issuers', 'LOTUS']]);
    const saved = await fetch(`${t.baseUrl}/console/partners/${wallet.id}/access`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: PUBLIC, cookie: admin.cookie },
      body: form,
    });
    expect(saved.status).toBe(303);
    const after = await t.prisma.partnerClient.findUniqueOrThrow({ where: { id: wallet.id }, include: { issuers: { include: { issuer: true } } } });
    expect([after.scopes, after.allIssuers, after.issuers.map((i) => i.issuer.code)]).toEqual([['balances:read', 'transactions:read'], false, ['LOTUS']]);
    expect((await admin.post(`/console/partners/${wallet.id}/access`, { scopes: 'balances:read', allIssuers: 'on' })).status).toBe(303);
  });

  it('lists keys with their check values, never their encrypted values, and names the key ceremony', async () => {
    const html = await (await admin.get('/console/keys')).text();
    expect(html).toContain('<code>TPK.SALDO003</code>');
    expect(html).toContain('<code>06332B</code>');
    expect(html).toContain('<code>08D7B4</code>');
    expect(html).toContain('npm run keys -- generate');
    for (const key of await t.prisma.key.findMany()) {
      expect(html).toContain(`<code>${key.kcv}</code>`);
      expect(html).not.toContain(key.encryptedValue);
      expect(html).not.toContain(key.encryptedValue.slice(-24));
    }
  });

  it('refuses support and auditor every management page and change, and audits each refusal', async () => {
    const support = await signInOperator(t, PUBLIC, 'support', 'saldo-support-demo');
    const auditor = await signInOperator(t, PUBLIC, 'auditor', 'saldo-auditor-demo');
    const auditorCsrf = /name="csrf" value="([^"]+)"/.exec(await (await auditor.get('/console')).text())![1];
    const supportCsrf = await support.csrf();
    const terminal = await t.prisma.terminal.findUniqueOrThrow({ where: { tid: 'SALDO001' } });
    const partner = await t.prisma.partnerClient.findUniqueOrThrow({ where: { clientId: 'harbor-app' } });
    const issuer = await t.prisma.issuer.findUniqueOrThrow({ where: { code: 'HARBOR' }, include: { binRanges: true } });
    const pages = ['/console/terminals', `/console/terminals/${terminal.id}`, '/console/partners', `/console/partners/${partner.id}`, '/console/issuers', '/console/keys', '/console/queues'];
    const posts: [string, Record<string, string>][] = [
      ['/console/terminals', { tid: 'EVIL0001', mid: 'EVILMERCHANT001', pinMode: 'NONE' }],
      [`/console/terminals/${terminal.id}/disable`, {}],
      [`/console/terminals/${terminal.id}/keys`, { pinMode: 'NONE' }],
      ['/console/partners', { clientId: 'evil-app', name: 'Evil', scopes: 'balances:read', allIssuers: 'on' }],
      [`/console/partners/${partner.id}/rotate`, {}],
      [`/console/partners/${partner.id}/revoke`, {}],
      [`/console/partners/${partner.id}/access`, { scopes: 'balances:read', allIssuers: 'on' }],
      ['/console/issuers', { code: 'EVIL', name: 'Evil', currency: 'USD', locale: 'en-US' }],
      [`/console/issuers/${issuer.id}/ranges`, { low: '111111', high: '111111' }],
      [`/console/issuers/ranges/${issuer.binRanges[0].id}/remove`, {}],
    ];
    const before = (await operatorEvents('REFUSED')).length;
    for (const [who, csrf] of [
      [support, supportCsrf],
      [auditor, auditorCsrf],
    ] as const) {
      for (const path of pages) expect([path, (await who.get(path)).status]).toEqual([path, 403]);
      for (const [path, form] of posts) expect([path, (await consoleForm(t, PUBLIC)(path, { csrf, ...form }, { cookie: who.cookie })).status]).toEqual([path, 403]);
    }
    const refused = (await operatorEvents('REFUSED')).slice(before);
    expect(refused).toHaveLength(2 * (pages.length + posts.length));
    expect(new Set(refused.map((e) => e.requester))).toEqual(new Set(['operator:support', 'operator:auditor']));
    expect(refused.map((e) => (e.detail as { path: string }).path)).toContain('/console/queues');
    // Nothing changed.
    expect(await t.prisma.terminal.findUniqueOrThrow({ where: { id: terminal.id } })).toMatchObject({ status: 'ACTIVE', pinMode: terminal.pinMode });
    expect(await t.prisma.partnerClient.findUniqueOrThrow({ where: { id: partner.id } })).toMatchObject({ status: 'ACTIVE', secretHash: partner.secretHash });
    expect(await t.prisma.partnerClient.count({ where: { clientId: 'evil-app' } })).toBe(0);
    expect(await t.prisma.issuer.count({ where: { code: 'EVIL' } })).toBe(0);
    expect(await t.prisma.binRange.count({ where: { issuerId: issuer.id } })).toBe(issuer.binRanges.length);
  });

  it('takes management forms from this site only and with the form token', async () => {
    expect((await admin.post('/console/issuers', { code: 'CSRF', name: 'x', currency: 'USD', locale: 'en-US' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await admin.post('/console/issuers', { csrf: 'forged', code: 'CSRF', name: 'x', currency: 'USD', locale: 'en-US' })).status).toBe(403);
    expect(await t.prisma.issuer.count({ where: { code: 'CSRF' } })).toBe(0);
  });

  it('keeps every secret out of the audit trail and the log', async () => {
    expect(secrets).toHaveLength(2);
    const events = await t.prisma.auditEvent.findMany({ where: { channel: 'console' } });
    const trail = JSON.stringify(events.map((e) => e.detail));
    const log = readFileSync(t.logFile, 'utf8');
    const hashes = (await t.prisma.partnerClient.findMany()).map((p) => p.secretHash);
    for (const secret of [...secrets, ...hashes]) {
      expect(trail).not.toContain(secret);
      expect(log).not.toContain(secret);
    }
  });

  it('shows the queues to admins only', async () => {
    const anonymous = await fetch(`${t.baseUrl}/console/queues`, { redirect: 'manual' });
    expect([anonymous.status, anonymous.headers.get('location')]).toEqual([303, '/console/sign-in?next=%2Fconsole%2Fqueues']);
    const support = await signInOperator(t, PUBLIC, 'support', 'saldo-support-demo');
    expect((await support.get('/console/queues')).status).toBe(403);

    const res = await admin.get('/console/queues');
    expect(res.status).toBe(200);
    const html = await res.text();
    if (storage === 'embedded') {
      expect(html).toContain('jobs');
      expect(html).toContain('run in this process');
      return;
    }
    // bull-board, its assets from our own origin: no CDN, no web font from Google.
    expect(html).toContain('<title>Saldo queues</title>');
    expect(html).toContain('<base href="/console/queues/"');
    expect(html).not.toMatch(/https?:\/\//);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const scripts = [...html.matchAll(/<script defer src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const asset = await admin.get(`/console/queues/${src}`);
      expect([src, asset.status, asset.headers.get('content-type')]).toEqual([src, 200, expect.stringContaining('javascript')]);
    }
    expect((await fetch(`${t.baseUrl}/console/queues/${scripts[0]}`, { redirect: 'manual' })).status).toBe(303); // assets too need a session
    expect((await support.get('/console/queues/api/queues')).status).toBe(403);
    const api = await admin.get('/console/queues/api/queues');
    expect(api.status).toBe(200);
    expect(JSON.stringify(await api.json())).toContain('"name":"saldo"');

    const put = (path: string, origin = PUBLIC) => fetch(`${t.baseUrl}/console/queues/api/queues/saldo${path}`, { method: 'PUT', headers: { cookie: admin.cookie, origin } });
    expect((await put('/retry/failed', 'https://evil.example')).status).toBe(403);
    expect((await put('/obliterate')).status).toBe(403);
    // The router decodes the path: a disguised name reaches the same route, and is refused the same.
    expect((await put('/obliterat%65')).status).toBe(403);
    expect((await fetch(`${t.baseUrl}/console/queues/api/queues/saldo/ad%64`, { method: 'POST', headers: { cookie: admin.cookie, origin: PUBLIC, 'content-type': 'application/json' }, body: '{"name":"sms.send","data":{}}' })).status).toBe(403);
    expect((await put('/concurrency')).status).toBe(403);
    expect((await put('/retry/failed')).status).toBe(200);
    expect((await operatorEvents('QUEUE_CHANGED')).map((e) => (e.detail as { path: string }).path)).toEqual(['/console/queues/api/queues/saldo/retry/failed']);
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepFailures, startBrowserApp, type BrowserHarness } from '../support/browser.js';
import { connectPos, demoTerminal } from '../support/pos.js';

const PASSWORDS = { admin: 'saldo-admin-demo', support: 'saldo-support-demo', auditor: 'saldo-auditor-demo' } as const;
type Role = keyof typeof PASSWORDS;

/** The operator console in Chromium: each role signs in and is allowed or refused what the role says. */
describe('operator console in a browser', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startBrowserApp('browser-console');
  });
  afterAll(async () => h?.close());
  keepFailures(() => h);

  async function signIn(role: Role): Promise<Page> {
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/console`);
    await page.getByLabel('Username').fill(role);
    await page.getByLabel('Password').fill(PASSWORDS[role]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    return page;
  }

  const navLinks = async (page: Page) => page.getByRole('navigation', { name: 'Console' }).getByRole('link').allTextContents();

  it('admin sees every page: dashboard with its charts, audit, cards and management', async () => {
    const page = await signIn('admin');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    expect(await navLinks(page)).toEqual(['Dashboard', 'Audit', 'Cards', 'Terminals', 'Partner clients', 'Issuers', 'Keys', 'Queues']);
    await expect.poll(() => page.getByRole('img', { name: 'Queries per minute by channel' }).count()).toBe(1);
    await page.getByRole('link', { name: 'Last day' }).click();
    await page.waitForURL(/range=day/);
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();
    // Signing in was itself audited, and shows in the trail.
    await page.getByLabel('Channel').selectOption('console');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'operator:admin' }).count()).toBeGreaterThan(0);
  });

  it('auditor reads the dashboard and the audit trail, and is refused cards and management', async () => {
    const page = await signIn('auditor');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    expect(await navLinks(page)).toEqual(['Dashboard', 'Audit']);
    for (const path of ['/console/cards', '/console/terminals', '/console/queues']) {
      const res = await page.goto(`${h.baseUrl}${path}`);
      expect(res?.status()).toBe(403);
      await page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();
    }
  });

  it('auditor exports the audit trail to CSV and follows the progress bar to the download', async () => {
    const page = await signIn('auditor');
    await page.goto(`${h.baseUrl}/console/audit`);
    await page.getByRole('button', { name: 'Export these rows to CSV' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit export' }).waitFor();
    const link = page.getByRole('link', { name: /Download the CSV/ });
    await link.waitFor();
    expect(await page.locator('progress').getAttribute('value')).toBe('100');
    const download = await Promise.all([page.waitForEvent('download'), link.click()]).then(([d]) => d);
    expect(download.suggestedFilename()).toMatch(/^saldo-audit-[0-9a-f]{8}\.csv$/);
  });

  it('support lands on cards, unlocks a PIN-locked card, and the card answers again on the POS channel', async () => {
    const pan = '6217000000000022';
    const terminal = demoTerminal('SALDO001');
    const pos = await connectPos(h.app);
    try {
      for (const pin of ['1111', '2222', '3333']) await pos.request(await terminal.balanceInquiry({ pan, pin }));
      expect((await pos.request(await terminal.balanceInquiry({ pan, pin: '0000' }))).fields.get(39)).toBe('75');

      const page = await signIn('support');
      await page.getByRole('heading', { level: 1, name: 'Cards' }).waitFor();
      expect(await navLinks(page)).toEqual(['Cards']);
      const refused = await page.goto(`${h.baseUrl}/console/audit`);
      expect(refused?.status()).toBe(403);
      await page.goto(`${h.baseUrl}/console/cards`);
      await page.getByLabel('Issuer').selectOption({ label: 'Lotus Bank (LOTUS)' });
      await page.getByLabel('Last 4 digits').fill('0022');
      await page.getByRole('button', { name: 'Find card' }).click();
      const row = page.getByRole('region', { name: 'Card 621700******0022' });
      await expect.poll(() => row.getByText('locked').count()).toBe(1);
      await row.getByLabel('Reason or ticket').fill('call 4711: forgot PIN, verified');
      await row.getByRole('button', { name: 'Unlock PIN' }).click();
      await page.getByRole('status').filter({ hasText: 'The card PIN is unlocked.' }).waitFor();
      expect(await row.getByRole('button', { name: 'Unlock PIN' }).count()).toBe(0);

      expect((await pos.request(await terminal.balanceInquiry({ pan, pin: '0000' }))).fields.get(39)).toBe('00');
    } finally {
      await pos.close();
    }
  });

  it('an operator locked out after 10 wrong passwords cannot sign in with the right one', async () => {
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/console/sign-in`);
    for (let i = 0; i < 10; i += 1) {
      await page.getByLabel('Username').fill('auditor');
      await page.getByLabel('Password').fill(`wrong-${i}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
    }
    await page.getByLabel('Username').fill('auditor');
    await page.getByLabel('Password').fill(PASSWORDS.auditor);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('locked for 30 minutes');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  });
});

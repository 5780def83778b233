import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepFailures, PHONE_VIEWPORT, signInCardholder, startBrowserApp, type BrowserHarness } from '../support/browser.js';

const ALICE = '+15555550100';
const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The cardholder page in Chromium: sign in with the texted code, balances, history, 中文, sign out. */
describe('cardholder page in a browser', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startBrowserApp('browser-cardholder');
  });
  afterAll(async () => h?.close());
  keepFailures(() => h);

  /** Transactions of the card ending `last4` posted in [from, to] (UTC days, as the page filters), by the database. */
  async function expectedCount(last4: string, from: string, to: string, type?: 'DEPOSIT' | 'PURCHASE'): Promise<number> {
    const card = await h.app.prisma.card.findFirstOrThrow({ where: { last4 }, include: { accounts: true } });
    return h.app.prisma.transaction.count({
      where: {
        accountId: { in: card.accounts.map((a) => a.accountId) },
        postedAt: { gte: new Date(`${from}T00:00:00Z`), lt: new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS) },
        ...(type ? { type } : {}),
      },
    });
  }

  /** The Type column of every row, following "Older transactions" to the last page. */
  async function typesOnEveryPage(page: Page): Promise<{ types: string[]; pages: number }> {
    const types: string[] = [];
    let pages = 0;
    for (;;) {
      pages++;
      const table = page.getByRole('table');
      if (await table.count()) {
        const rows = table.locator('tbody').getByRole('row');
        expect(await rows.count()).toBeLessThanOrEqual(20);
        types.push(...(await rows.locator('td:nth-child(2)').allTextContents()));
      }
      const older = page.getByRole('link', { name: 'Older transactions' });
      if (!(await older.count())) return { types, pages };
      await older.click();
      await page.waitForURL(/after=/);
    }
  }

  async function showHistory(page: Page, from: string, to: string, typeLabel: string): Promise<void> {
    await page.getByLabel('From').fill(from);
    await page.getByLabel('To', { exact: true }).fill(to);
    await page.getByLabel('Type').selectOption({ label: typeLabel });
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.searchParams.get('from') === from && url.searchParams.get('to') === to);
  }

  it('signs Alice in with the texted code and shows her USD and CNY cards', async () => {
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/`);
    await expect(page.title()).resolves.toMatch(/sign in/i);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Saldo');
    await signInCardholder(h, page, ALICE);

    await expect(page.getByRole('heading', { level: 1, name: 'Your cards' }).isVisible()).resolves.toBe(true);
    const usd = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Card ending 0010 · Harbor Bank' }) });
    const cny = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Card ending 0022 · Lotus Bank' }) });
    for (const column of ['Account', 'Available', 'Ledger', 'Pending']) {
      expect(await usd.getByRole('columnheader', { name: column }).count()).toBe(1);
    }
    const checking = usd.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Checking' }) });
    expect(await checking.getByRole('cell').allTextContents()).toEqual(['Checking', '1,234.56 USD', '1,300.00 USD', '65.44 USD']);
    expect(await usd.getByRole('cell', { name: '10,000.00 USD' }).count()).toBe(2); // savings: available and ledger
    expect(await cny.getByRole('cell', { name: '100.00 CNY' }).count()).toBe(2);
    // The expired and the lost card are listed, with why they cannot answer.
    await expect(page.locator('section', { hasText: 'Card ending 0028' }).textContent()).resolves.toContain('This card has expired.');
    await expect(page.locator('section', { hasText: 'Card ending 0036' }).textContent()).resolves.toContain('This card is blocked.');
    await expect(page.content()).resolves.not.toContain('4761739001010010');

    // History of the USD card: the whole period page by page, then a shorter period, then one type.
    await usd.getByRole('link', { name: 'Transaction history' }).click();
    await page.getByRole('heading', { level: 1, name: 'History · 0010' }).waitFor();
    const today = isoDay(Date.now());
    const monthAgo = isoDay(Date.now() - 30 * DAY_MS);
    await showHistory(page, monthAgo, today, 'Any');
    const all = await typesOnEveryPage(page);
    expect(all.types.length).toBe(await expectedCount('0010', monthAgo, today));
    expect(all.pages).toBeGreaterThan(1);
    expect(new Set(all.types).size).toBeGreaterThan(1);

    const weekAgo = isoDay(Date.now() - 6 * DAY_MS);
    await showHistory(page, weekAgo, today, 'Any');
    const week = await typesOnEveryPage(page);
    expect(week.types.length).toBe(await expectedCount('0010', weekAgo, today));
    expect(week.types.length).toBeLessThan(all.types.length);

    await showHistory(page, monthAgo, today, 'Deposit');
    expect(new URL(page.url()).searchParams.get('type')).toBe('DEPOSIT');
    await expect(page.getByLabel('Type').inputValue()).resolves.toBe('DEPOSIT'); // the filter stays chosen
    const deposits = await typesOnEveryPage(page);
    expect(deposits.types.length).toBe(await expectedCount('0010', monthAgo, today, 'DEPOSIT'));
    expect(deposits.types.length).toBeGreaterThan(0);
    expect(deposits.types.length).toBeLessThan(all.types.length);
    expect(new Set(deposits.types)).toEqual(new Set(['Deposit']));

    // 中文, then out.
    await page.getByRole('link', { name: 'Back to balances' }).click();
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { level: 1, name: '我的卡' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
    expect(await page.getByRole('heading', { level: 2, name: '尾号0010 · Harbor Bank' }).count()).toBe(1);
    expect(await page.getByRole('heading', { level: 2, name: '尾号0022 · Lotus Bank' }).count()).toBe(1);
    expect(await page.getByRole('columnheader', { name: '可用余额' }).count()).toBeGreaterThan(0);
    await page.getByRole('link', { name: '交易明细' }).first().click();
    await page.getByRole('heading', { level: 1, name: /^交易明细 · / }).waitFor();
    expect(await page.getByLabel('开始日期').count()).toBe(1);
    await page.getByRole('link', { name: '返回余额' }).click();

    await expect(page.locator('section', { hasText: '尾号0028' }).textContent()).resolves.toContain('此卡已过期。');
    await page.getByRole('button', { name: '退出' }).click();
    await page.getByLabel(/phone number/i).waitFor();
    await page.goto(`${h.baseUrl}/history?card=0`);
    await page.getByLabel(/phone number/i).waitFor(); // the session is gone
  });

  it('check at a terminal: a reload shows the same code (post, redirect, get), never in the address', async () => {
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/`);
    await signInCardholder(h, page, ALICE);
    // The language is kept on file: a test before this one may have left Alice in Chinese.
    if (await page.getByRole('button', { name: 'English' }).count()) await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Check at a terminal: card ending 0010' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check at a terminal' }).waitFor();
    const token = await page.locator('code.token').textContent();
    expect(token).toMatch(/^SQ[A-Z2-7]{26}$/);
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/check-at-terminal?card=0');
    await page.reload(); // a GET: no "resubmit the form?" and no new code
    await page.getByRole('heading', { level: 1, name: 'Check at a terminal' }).waitFor();
    await expect(page.locator('code.token').textContent()).resolves.toBe(token);
    expect(page.url()).not.toContain(token!);
    await page.getByRole('link', { name: 'Back to balances' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your cards' }).waitFor();
  });

  it('fits a phone screen in both languages: nothing wider than 375 px, no card scrolling sideways', async () => {
    const page = await h.newPage({ viewport: PHONE_VIEWPORT });
    // Page code as a string: this project's TypeScript has no DOM types.
    const tooWide = async () =>
      page.evaluate(
        "[document.documentElement, ...document.querySelectorAll('.card')].filter((e) => e.scrollWidth > e.clientWidth).map((e) => `${e.tagName} ${e.textContent.trim().slice(0, 30)}: ${e.scrollWidth - e.clientWidth} px too wide`)",
      );
    await page.goto(`${h.baseUrl}/`);
    expect(await tooWide()).toEqual([]);
    await signInCardholder(h, page, ALICE);
    // Table headers and account names on one line each (in Chinese they once broke after every character).
    const wrapped = async () =>
      page.evaluate(
        "[...document.querySelectorAll('th, td:first-child')].filter((e) => { const r = document.createRange(); r.selectNodeContents(e); return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1; }).map((e) => e.textContent)",
      );
    for (let language = 0; language < 2; language++) {
      expect(await tooWide()).toEqual([]);
      expect(await wrapped()).toEqual([]);
      await page.getByRole('link', { name: /^(Transaction history|交易明细)$/ }).first().click();
      await page.getByLabel(/^(From|开始日期)$/).waitFor();
      expect(await tooWide()).toEqual([]);
      await page.getByRole('link', { name: /^(Back to balances|返回余额)$/ }).click();
      const lang = await page.locator('html').getAttribute('lang');
      await page.getByRole('button', { name: /^(中文|English)$/ }).click();
      await page.locator(`html:not([lang="${lang}"])`).waitFor({ state: 'attached' });
    }
  });
});

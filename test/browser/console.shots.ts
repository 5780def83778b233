import { afterAll, beforeAll, describe, it } from 'vitest';
import { keepFailures, screenshotAtWidths, startBrowserApp, type BrowserHarness } from '../support/browser.js';
import { connectPos, demoTerminal } from '../support/pos.js';

/**
 * `npm run screenshots`: the operator console's main pages as docs/screenshots/console-*.png, after a
 * little POS traffic (approved, wrong PIN, a locked card) so the dashboard and the card page have
 * something to show.
 */
describe('operator console screenshots', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startBrowserApp('shots-console');
    const terminal = demoTerminal('SALDO001');
    const pos = await connectPos(h.app);
    try {
      for (let i = 0; i < 12; i += 1) await pos.request(await terminal.balanceInquiry({ pan: '4761739001010010', pin: '1234' }));
      for (const pin of ['1111', '2222', '3333', '4444']) await pos.request(await terminal.balanceInquiry({ pan: '6217000000000022', pin }));
    } finally {
      await pos.close();
    }
  });
  afterAll(async () => h?.close());
  keepFailures(() => h);

  it('saves sign-in, dashboard, audit, export and the support card page', async () => {
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/console/sign-in`);
    await screenshotAtWidths(page, 'console-sign-in');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('saldo-admin-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await screenshotAtWidths(page, 'console-dashboard');

    await page.goto(`${h.baseUrl}/console/audit?channel=pos`);
    await screenshotAtWidths(page, 'console-audit');
    await page.getByRole('button', { name: 'Export these rows to CSV' }).click();
    await page.getByRole('link', { name: /Download the CSV/ }).waitFor();
    await screenshotAtWidths(page, 'console-audit-export');

    await page.goto(`${h.baseUrl}/console/cards?issuer=LOTUS&last4=0022`);
    await page.getByRole('button', { name: 'Unlock PIN' }).waitFor();
    await screenshotAtWidths(page, 'console-cards');
  });
});

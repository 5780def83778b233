import { afterAll, beforeAll, describe, it } from 'vitest';
import { keepFailures, requireCjkFont, screenshotAtWidths, signInCardholder, startBrowserApp, type BrowserHarness } from '../support/browser.js';

/**
 * `npm run screenshots`: the cardholder page's main pages as docs/screenshots/cardholder-*.png, at a
 * phone (375 px) and a desktop (1280 px) width, with the demo data. The operator console's pictures
 * go in a file of their own beside this one (console.shots.ts, named console-*.png): every
 * *.shots.ts here is run by the same command.
 */
describe('cardholder page screenshots', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    requireCjkFont();
    h = await startBrowserApp('shots-cardholder');
  });
  afterAll(async () => h?.close());
  keepFailures(() => h);

  it('saves sign-in, balances, history, the terminal QR code, the no-such-card page and 中文 balances', async () => {
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/`);
    await screenshotAtWidths(page, 'cardholder-sign-in');

    await signInCardholder(h, page, '+15555550100');
    await screenshotAtWidths(page, 'cardholder-balances');

    const usd = page.locator('section').filter({ has: page.getByRole('heading', { name: /Card ending 0010/ }) });
    await usd.getByRole('link', { name: 'Transaction history' }).click();
    await page.getByRole('heading', { level: 1, name: /^History · 0010/ }).waitFor();
    await screenshotAtWidths(page, 'cardholder-history');

    await page.getByRole('link', { name: 'Back to balances' }).click();
    await usd.getByRole('button', { name: 'Check at a terminal' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check at a terminal' }).waitFor();
    await screenshotAtWidths(page, 'cardholder-terminal-check');

    await page.goto(`${h.baseUrl}/history?card=9`); // the signed-in error page
    await page.getByRole('heading', { level: 1, name: 'No such card' }).waitFor();
    await screenshotAtWidths(page, 'cardholder-no-such-card');

    await page.getByRole('link', { name: 'Back to balances' }).first().click();
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { level: 1, name: '我的卡' }).waitFor();
    await screenshotAtWidths(page, 'cardholder-balances-zh');
  });
});

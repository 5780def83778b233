import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import twilio from 'twilio';
import { beforeEach } from 'vitest';
import { DEV_TWILIO_AUTH_TOKEN } from '#config';
import { startTestApp, type TestApp } from './test-app.js';

/**
 * The browser-test harness: the real app on a real socket (its own PostgreSQL database and Redis
 * prefix, the worker in process, SMS to the outbox), and Debian's Chromium driven by playwright-core,
 * which downloads no browser. A test file is:
 *
 *   let h: BrowserHarness;
 *   beforeAll(async () => { h = await startBrowserApp('my-label'); });
 *   afterAll(async () => h?.close());
 *   keepFailures(() => h); // a failing test leaves a screenshot and the HTML of each of its pages
 *   it('…', async () => { const page = await h.newPage(); await page.goto(h.baseUrl); … });
 */

/** Where Chromium is: CHROMIUM_PATH, else Debian's (installed by .ci/run). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless, and quiet on a closed network: without the background-networking flags Chromium keeps
 * trying Google's hosts. `--no-sandbox` because CI runs as root.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Bounded waits: a locator or an action gives up after this, a navigation after NAVIGATION_MS. */
export const ACTION_MS = 10_000;
export const NAVIGATION_MS = 15_000;

export const PHONE_VIEWPORT = { width: 375, height: 812 } as const;
export const DESKTOP_VIEWPORT = { width: 1280, height: 800 } as const;

export interface PageOptions {
  readonly viewport?: { readonly width: number; readonly height: number };
  /** The browser's language (Accept-Language, navigator.language); default en-US. */
  readonly locale?: string;
}

export interface BrowserHarness {
  readonly app: TestApp;
  /** http://127.0.0.1:PORT — also the app's PUBLIC_BASE_URL, so its forms accept what the browser posts. */
  readonly baseUrl: string;
  readonly browser: Browser;
  /** A page in a fresh browser context: its own cookies, like a new visitor. Closed by close(). */
  newPage(options?: PageOptions): Promise<Page>;
  /** Every page opened and not yet closed. */
  readonly pages: readonly Page[];
  /**
   * What `action` makes the app text to `phone`: the first new outbox message matching `pattern`
   * (its first group, or the whole match), as the cardholder would read it on the phone.
   */
  textedTo(phone: string, pattern: RegExp, action: () => Promise<unknown>): Promise<string>;
  close(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 now (the app must know its public origin before it listens). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address !== 'string' ? resolve(address.port) : reject(new Error('no TCP address'))));
    });
  });
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH`);
  }
  // Playwright gives every launch a new, empty profile in a temporary directory and removes it on close.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** Starts the app (PostgreSQL + Redis) on 127.0.0.1 and Chromium; `extraEnv` adds app configuration. */
export async function startBrowserApp(label: string, extraEnv: Record<string, string> = {}): Promise<BrowserHarness> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const app = await startTestApp(label, 'postgres', {
    PORT: String(port),
    PUBLIC_BASE_URL: baseUrl,
    WORKER_IN_PROCESS: 'true',
    SMS_PROVIDER: 'outbox',
    ...extraEnv,
  });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await app.close();
    throw error;
  }
  const contexts: BrowserContext[] = [];

  const outbox = async (phone: string): Promise<{ id: string; body: string }[]> => {
    // Read as the phone simulator reads it: signed like a Twilio webhook, with the development token.
    const path = `/twilio/sms/outbox?to=${encodeURIComponent(phone)}`;
    const signature = twilio.getExpectedTwilioSignature(app.env.TWILIO_AUTH_TOKEN ?? DEV_TWILIO_AUTH_TOKEN, `${baseUrl}${path}`, {});
    const res = await fetch(`${baseUrl}${path}`, { headers: { 'x-twilio-signature': signature }, signal: AbortSignal.timeout(ACTION_MS) });
    if (res.status !== 200) throw new Error(`GET /twilio/sms/outbox: HTTP ${res.status}`);
    return ((await res.json()) as { messages: { id: string; body: string }[] }).messages;
  };

  return {
    app,
    baseUrl,
    browser,
    get pages() {
      return contexts.flatMap((c) => c.pages());
    },
    async newPage(options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport ?? DESKTOP_VIEWPORT,
        locale: options.locale ?? 'en-US',
        timezoneId: 'UTC',
      });
      contexts.push(context);
      context.setDefaultTimeout(ACTION_MS);
      context.setDefaultNavigationTimeout(NAVIGATION_MS);
      return context.newPage();
    },
    async textedTo(phone, pattern, action) {
      const before = new Set((await outbox(phone)).map((m) => m.id));
      await action();
      const deadline = Date.now() + ACTION_MS;
      for (;;) {
        for (const message of await outbox(phone)) {
          const match = before.has(message.id) ? null : pattern.exec(message.body);
          if (match) return match[1] ?? match[0];
        }
        if (Date.now() > deadline) throw new Error(`nothing matching ${String(pattern)} was texted to ${phone} within ${ACTION_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      try {
        await Promise.allSettled(contexts.map((c) => c.close()));
        await browser.close();
      } finally {
        await app.close();
      }
    },
  };
}

/** Where `npm run screenshots` writes: docs/screenshots/, or SCREENSHOTS_DIR. */
export const SCREENSHOTS_DIR = process.env.SCREENSHOTS_DIR ?? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/** Chinese pages drawn without a CJK font show boxes: refuse to take such pictures. */
export function requireCjkFont(): void {
  let fonts = '';
  try {
    fonts = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  } catch {
    // no fontconfig: Chromium has no fonts either
  }
  if (!fonts.trim()) throw new Error('no font with Chinese glyphs: apt-get install --no-install-recommends fonts-noto-cjk');
}

/** Saves the whole page as DIR/NAME-phone.png (375 px wide) and DIR/NAME-desktop.png (1280 px). */
export async function screenshotAtWidths(page: Page, name: string, dir = SCREENSHOTS_DIR): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const [suffix, viewport] of [['phone', PHONE_VIEWPORT], ['desktop', DESKTOP_VIEWPORT]] as const) {
    await page.setViewportSize(viewport);
    const file = join(dir, `${name}-${suffix}.png`);
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
    files.push(file);
  }
  return files;
}

/**
 * When a test fails, saves a screenshot and the HTML of every open page under
 * $TMPDIR/saldo-browser-failures/ and names the files on stderr. Call at the top of a describe.
 */
export function keepFailures(harness: () => BrowserHarness | undefined): void {
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      const pages = harness()?.pages ?? [];
      const dir = join(tmpdir(), 'saldo-browser-failures');
      mkdirSync(dir, { recursive: true });
      const stem = task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      for (const [i, page] of pages.entries()) {
        const file = join(dir, `${stem}-${i}`);
        try {
          writeFileSync(`${file}.html`, `<!-- ${page.url()} -->\n${await page.content()}`);
          await page.screenshot({ path: `${file}.png`, fullPage: true, timeout: ACTION_MS });
          console.error(`browser test failed: page ${i} (${page.url()}) saved as ${file}.png and .html`);
        } catch (error) {
          console.error(`browser test failed: page ${i} could not be saved: ${String(error)}`);
        }
      }
    });
  });
}

/**
 * Signs a cardholder in on the cardholder page as a person would: the phone number, then the code
 * read from the text message (the outbox). Ends on the balances page.
 */
export async function signInCardholder(h: BrowserHarness, page: Page, phone: string): Promise<void> {
  await page.goto(`${h.baseUrl}/`);
  await page.getByLabel(/phone number/i).fill(phone);
  const code = await h.textedTo(phone, /(\d{6})/, async () => {
    await page.getByRole('button', { name: /send me a code/i }).click();
    await page.getByLabel(/code sent by sms/i).waitFor();
  });
  await page.getByLabel(/code sent by sms/i).fill(code);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.getByRole('button', { name: /sign out|退出/i }).waitFor();
}

/**
 * Debian's Chromium driven by playwright-core, started once per test file, and what a person with a
 * phone does: read the QR code off the screen and compute codes like an authenticator app.
 */
import { mkdirSync } from 'node:fs';
import jsQRModule from 'jsqr';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PNG } from 'pngjs';

/** Codes like an authenticator app's (devkit/, shared with the benchmark's staff sign-in). */
export { codeFor } from '../../devkit/src/index.js';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  // Pages follow Accept-Language: pin the browser's own to English, whatever the machine's LANG; a test that
  // wants another language asks for it (newContext({ locale })).
  '--lang=en-US',
];

export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
    headless: true,
  });

/** Saves a screenshot under test-artifacts/ (for failures and for a person to look at). */
export const saveScreenshot = async (page: Page, name: string) => {
  mkdirSync('test-artifacts', { recursive: true });
  const path = `test-artifacts/${name.replace(/[^a-z0-9-]+/gi, '_')}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
};

// jsqr is CommonJS: its function is the default export under one loader and the module under another.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;

/** Reads the otpauth:// URI from the QR code on the page, from a screenshot of it. */
export const scanQrCode = async (page: Page, selector = '#kc-totp-secret-qr-code'): Promise<string> => {
  const image = PNG.sync.read(await page.locator(selector).screenshot());
  const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  if (!decoded) throw new Error('no QR code found in the screenshot');
  return decoded.data;
};

export interface AuthenticatorEntry {
  secret: string;
  algorithm: 'sha1' | 'sha256' | 'sha512';
  digits: 6 | 8;
  period: number;
  issuer: string;
  account: string;
}

/** What an authenticator app stores when it scans a key URI. */
export const parseKeyUri = (uri: string): AuthenticatorEntry => {
  const url = new URL(uri);
  if (url.protocol !== 'otpauth:' || url.host !== 'totp') throw new Error(`not a TOTP key URI: ${uri}`);
  const label = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const [issuer = '', account = label] = label.includes(':')
    ? label.split(':')
    : [url.searchParams.get('issuer') ?? '', label];
  return {
    secret: url.searchParams.get('secret') ?? '',
    algorithm: (url.searchParams.get('algorithm') ?? 'SHA1').toLowerCase() as AuthenticatorEntry['algorithm'],
    digits: Number(url.searchParams.get('digits') ?? 6) as 6 | 8,
    period: Number(url.searchParams.get('period') ?? 30),
    issuer,
    account,
  };
};

/** The trimmed text of the first element matching the selector, once it is on the page. */
export const textOf = async (page: Page, selector: string): Promise<string> => {
  const locator = page.locator(selector).first();
  await locator.waitFor({ timeout: 10_000 });
  return ((await locator.textContent()) ?? '').trim();
};

/**
 * What every end-user page of the sidecar (/recovery and its answer, /recovery/complete, "This wasn't me")
 * must be, checked on the page a browser shows: axe-core with no serious or critical violation, the
 * language it says it is in, no inline script or style, the strict policy, a heading.
 */
import type { Page, Response } from 'playwright-core';
import { severeViolations } from './axe.js';

/** The policy end-user pages are sent with: no script at all, styles from the sidecar only. */
export const END_USER_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const documents = new WeakMap<Page, Response>();

/** Keeps the page's latest document response (after redirects and form posts), for its headers and HTML. */
export const trackDocuments = (page: Page): Page => {
  page.on('response', (response) => {
    if (response.request().resourceType() === 'document' && response.frame() === page.mainFrame())
      documents.set(page, response);
  });
  return page;
};

/** The page's heading once it is shown. */
export const headingOf = async (page: Page) => ((await page.locator('h1').first().textContent()) ?? '').trim();

/**
 * Checks the page state now shown (`state` names it in failures): its document's headers and HTML, its
 * language, axe-core. Returns the heading.
 */
export const expectSoundEndUserPage = async (page: Page, state: string, locale = 'en'): Promise<string> => {
  await page.locator('h1').first().waitFor({ timeout: 15_000 });
  const response = documents.get(page);
  if (!response) throw new Error(`${state}: no document response seen (call trackDocuments first)`);
  const headers = response.headers();
  const html = await response.text();
  expect({
    state,
    policy: headers['content-security-policy'],
    language: headers['content-language'],
    vary: headers.vary,
    htmlLang: await page.locator('html').getAttribute('lang'),
    inlineScripts: html.match(/<script(?![^>]*\ssrc=)[^>]*>/gi) ?? [],
    styleAttributes: html.match(/\sstyle\s*=/gi) ?? [],
    styleElements: html.match(/<style[\s>]/gi) ?? [],
    severe: await severeViolations(page, state),
  }).toEqual({
    state,
    policy: END_USER_POLICY,
    language: locale,
    vary: expect.stringMatching(/Accept-Language/i),
    htmlLang: locale,
    inlineScripts: [],
    styleAttributes: [],
    styleElements: [],
    severe: [],
  });
  return headingOf(page);
};

/**
 * The one frame of every page an end user can reach (the lost-phone pages, "This wasn't me"): the realm's
 * name above a card, the page in the person's language (`<html lang>`), links back to the sign-in page.
 * Pure: text comes in through a translator and is escaped here; callers' bodies are HTML already escaped.
 */
import type { Translator } from '../i18n/index.js';
import { escapeHtml } from '../util/html.js';
import { END_USER_CSS_PATH } from './stylesheet.js';

export interface EndUserPage {
  /** the heading and the window's title, plain text */
  title: string;
  /** the card's content under the heading, HTML (build it with the helpers below) */
  body: string;
  /** links under the card's content, before "Back to sign-in" */
  links?: Link[];
}

export interface Link {
  href: string;
  text: string;
}

export interface PageFrame {
  /** how the realm is named (RealmContext.displayName) */
  realmDisplayName: string;
  /** where "Back to sign-in" goes: the account console, which signs in through Keycloak's pages */
  signInUrl: string;
}

/** A paragraph of plain text. */
export const paragraph = (text: string) => `<p>${escapeHtml(text)}</p>`;

/** Numbered steps, each plain text. */
export const steps = (items: string[]) =>
  `<ol>${items.map((item) => `\n<li>${escapeHtml(item)}</li>`).join('')}\n</ol>`;

/** A warning the reader must not miss: a bold first sentence, then what to do. */
export const warning = (lead: string, text: string) =>
  `<div class="warning"><p><strong>${escapeHtml(lead)}</strong> ${escapeHtml(text)}</p></div>`;

/** A link that looks like the page's primary button. */
export const buttonLink = (link: Link) =>
  `<p><a class="button" href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>`;

const linkList = (links: Link[]) =>
  `<ul class="more">${links
    .map((link) => `\n<li><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></li>`)
    .join('')}\n</ul>`;

export const renderPage = (t: Translator, frame: PageFrame, page: EndUserPage): string => {
  const links = [...(page.links ?? []), { href: frame.signInUrl, text: t.t('pages.shell.backToSignIn') }];
  return `<!doctype html>
<html lang="${t.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${page.title} – ${frame.realmDisplayName}`)}</title>
<link rel="stylesheet" href="${END_USER_CSS_PATH}"></head>
<body>
<header class="realm"><p class="realm-name">${escapeHtml(frame.realmDisplayName)}</p></header>
<main>
<h1>${escapeHtml(page.title)}</h1>
${page.body}
${linkList(links)}
</main>
</body></html>`;
};

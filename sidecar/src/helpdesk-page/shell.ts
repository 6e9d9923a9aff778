/**
 * The HTML every helpdesk page is made of: the document, the staff header (who is signed in, "Sign out")
 * with the tab bar (Users | Rollout), so the helpdesk and its Rollout tab look and read the same, and the
 * one-message pages (signed out, not allowed…), all in the staff member's language. No inline script or
 * style: the page's CSP forbids both.
 */
import type { Translator } from '../i18n/index.js';
import { escapeHtml } from '../util/html.js';

export type StaffTab = 'users' | 'rollout';

const TABS: { tab: StaffTab; href: string }[] = [
  { tab: 'users', href: '/helpdesk' },
  { tab: 'rollout', href: '/helpdesk/rollout' },
];

/** The helpdesk page's CSP: scripts and styles only from the sidecar's files, forms only to it and Keycloak. */
export const staffPageCsp = (keycloakOrigin: string) =>
  `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; ` +
  `form-action 'self' ${keycloakOrigin}; frame-ancestors 'none'; base-uri 'none'`;

export const layout = (t: Translator, title: string, body: string, head = '') => `<!doctype html>
<html lang="${t.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/helpdesk/app.css">${head}</head>
<body>${body}</body></html>`;

export const messagePage = (
  t: Translator,
  title: string,
  message: string,
  link = { href: '/helpdesk/login', text: t.t('staff.messages.signInAgain') },
) =>
  layout(
    t,
    title,
    `<header><p class="brand">${escapeHtml(t.t('staff.brand'))}</p></header>
<main id="main"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>
<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p></main>`,
  );

export interface StaffFrame {
  t: Translator;
  realm: string;
  username: string;
  csrf: string;
  current: StaffTab;
  /** whether the Rollout tab is offered (holders of the helpdesk admin role) */
  rolloutTab: boolean;
}

/** A signed-in page: skip link, header, the tab bar, then `main` (the current tab's content). */
export const staffPage = (frame: StaffFrame, main: string, tail = '', head = '') => {
  const { t } = frame;
  const label = (tab: StaffTab) => escapeHtml(t.t(`staff.tabs.${tab}`));
  const tabs = TABS.filter((tab) => tab.tab === 'users' || frame.rolloutTab)
    .map(
      (tab) =>
        `<li><a href="${tab.href}"${tab.tab === frame.current ? ' aria-current="page"' : ''}>${label(tab.tab)}</a></li>`,
    )
    .join('');
  return layout(
    t,
    t.t('staff.pageTitle', { tab: t.t(`staff.tabs.${frame.current}`), realm: frame.realm }),
    `<a class="skip" href="#main">${escapeHtml(t.t('staff.skipLink'))}</a>
<header><h1>${escapeHtml(t.t('staff.brand'))} <span class="realm">${escapeHtml(frame.realm)}</span></h1>
<form method="post" action="/helpdesk/logout" class="signout"><span>${escapeHtml(t.t('staff.signedInAs'))} <strong id="staff">${escapeHtml(
      frame.username,
    )}</strong></span>
<input type="hidden" name="csrf" value="${escapeHtml(frame.csrf)}"><button type="submit">${escapeHtml(t.t('staff.signOut'))}</button></form></header>
<nav class="tabs" aria-label="${escapeHtml(t.t('staff.sections'))}"><ul>${tabs}</ul></nav>
<main id="main" tabindex="-1">${main}</main>${tail}`,
    head,
  );
};

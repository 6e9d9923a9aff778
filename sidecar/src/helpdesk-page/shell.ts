/**
 * The HTML every helpdesk page is made of: the document, the staff header (who is signed in, "Sign out")
 * with the tab bar (Users | Rollout), so the helpdesk and its Rollout tab look and read the same, and the
 * one-message pages (signed out, not allowed…). No inline script or style: the page's CSP forbids both.
 */
import { escapeHtml } from '../util/html.js';

export type StaffTab = 'users' | 'rollout';

const TABS: { tab: StaffTab; href: string; label: string }[] = [
  { tab: 'users', href: '/helpdesk', label: 'Users' },
  { tab: 'rollout', href: '/helpdesk/rollout', label: 'Rollout' },
];

/** The helpdesk page's CSP: scripts and styles only from the sidecar's files, forms only to it and Keycloak. */
export const staffPageCsp = (keycloakOrigin: string) =>
  `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; ` +
  `form-action 'self' ${keycloakOrigin}; frame-ancestors 'none'; base-uri 'none'`;

export const layout = (title: string, body: string, head = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/helpdesk/app.css">${head}</head>
<body>${body}</body></html>`;

export const messagePage = (
  title: string,
  message: string,
  link = { href: '/helpdesk/login', text: 'Sign in again' },
) =>
  layout(
    title,
    `<header><p class="brand">OTP helpdesk</p></header>
<main id="main"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>
<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p></main>`,
  );

export interface StaffFrame {
  realm: string;
  username: string;
  csrf: string;
  current: StaffTab;
  /** whether the Rollout tab is offered (holders of the helpdesk admin role) */
  rolloutTab: boolean;
}

/** A signed-in page: skip link, header, the tab bar, then `main` (the current tab's content). */
export const staffPage = (frame: StaffFrame, title: string, main: string, tail = '', head = '') => {
  const tabs = TABS.filter((t) => t.tab === 'users' || frame.rolloutTab)
    .map(
      (t) =>
        `<li><a href="${t.href}"${t.tab === frame.current ? ' aria-current="page"' : ''}>${escapeHtml(t.label)}</a></li>`,
    )
    .join('');
  return layout(
    `${title} — OTP helpdesk — ${frame.realm}`,
    `<a class="skip" href="#main">Skip to the page content</a>
<header><h1>OTP helpdesk <span class="realm">${escapeHtml(frame.realm)}</span></h1>
<form method="post" action="/helpdesk/logout" class="signout"><span>Signed in as <strong id="staff">${escapeHtml(
      frame.username,
    )}</strong></span>
<input type="hidden" name="csrf" value="${escapeHtml(frame.csrf)}"><button type="submit">Sign out</button></form></header>
<nav class="tabs" aria-label="Helpdesk sections"><ul>${tabs}</ul></nav>
<main id="main" tabindex="-1">${main}</main>${tail}`,
    head,
  );
};

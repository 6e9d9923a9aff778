/** The owner's confirmation that their "This wasn't me" froze the account, in plain text and HTML. */
import type { OutgoingEmail } from '../mail/outbox.js';
import { escapeHtml } from '../util/html.js';

export const frozenEmail = (input: {
  realm: string;
  tokenId: string;
  realmDisplayName: string;
  deviceRemoved: boolean;
}): Omit<OutgoingEmail, 'recipient'> => {
  const done = [
    'You told us a change to the sign-in of your account was not yours.',
    'We signed you out everywhere',
    input.deviceRemoved ? ', removed the authenticator that came with that change' : '',
    ', stopped any pending removal of your authenticators, and marked your account for the helpdesk.',
  ].join('');
  const next =
    'Change your password now, and contact your helpdesk: they will check your account with you before anything else changes.';
  return {
    dedupeKey: `notice-frozen:${input.realm}:${input.tokenId}`,
    kind: 'notice-frozen',
    subject: `Your ${input.realmDisplayName} account was frozen at your request`,
    text: `Hello,\n\n${done}\n\n${next}\n`,
    html: `<p>Hello,</p><p>${escapeHtml(done)}</p><p>${escapeHtml(next)}</p>`,
  };
};

/** The "This wasn't me" paragraph every change notice ends with, in plain text and HTML. */
export const cancelParagraph = (cancelUrl: string | undefined) =>
  cancelUrl
    ? {
        text: `\n\nThis wasn't me: ${cancelUrl}\n(opens a page where you confirm; the link works once, for a few days)\n`,
        html: `<p><a href="${escapeHtml(cancelUrl)}">This wasn't me</a> (opens a page where you confirm; the link works once, for a few days)</p>`,
      }
    : { text: '', html: '' };

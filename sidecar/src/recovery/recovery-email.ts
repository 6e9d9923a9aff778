/** "Your old authenticators were removed" after a completed recovery, in plain text and HTML. */
import type { DeviceOwner } from '../devices/records.js';
import type { OutgoingEmail } from '../mail/outbox.js';
import { inertName } from '../notices/inert-text.js';
import { cancelParagraph } from '../notices/notice-email.js';
import { escapeHtml } from '../util/html.js';

export const retiredDevicesEmail = (input: {
  realm: string;
  requestId: string;
  owner: DeviceOwner;
  labels: string[];
  realmDisplayName: string;
  accountUrl: string;
  /** "This wasn't me" */
  cancelUrl?: string;
}): OutgoingEmail => {
  const list = input.labels.map(inertName).join(', ');
  const what = `You set up a new authenticator on your ${input.realmDisplayName} account (${input.owner.username}). The authenticators you had before were removed: ${list}. You were signed out everywhere else.`;
  const guidance = 'If this was not you, contact your helpdesk at once.';
  const cancel = cancelParagraph(input.cancelUrl);
  return {
    dedupeKey: `recovery-retired:${input.realm}:${input.requestId}`,
    kind: 'recovery-retired',
    recipient: input.owner.email as string,
    subject: `Your old authenticators were removed from your ${input.realmDisplayName} account`,
    text: `Hello ${input.owner.username},\n\n${what}\n\n${guidance}\n\n${input.accountUrl}\n${cancel.text}`,
    html: `<p>Hello ${escapeHtml(input.owner.username)},</p><p>${escapeHtml(what)}</p><p>${escapeHtml(guidance)}</p><p><a href="${escapeHtml(input.accountUrl)}">Your account</a></p>${cancel.html}`,
  };
};

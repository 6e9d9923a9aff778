/** "A new authenticator was added to your account" / "... removed", in plain text and HTML. */
import type { OutgoingEmail } from '../mail/outbox.js';
import { inertName } from '../notices/inert-text.js';
import { cancelParagraph } from '../notices/notice-email.js';
import { escapeHtml } from '../util/html.js';
import type { DeviceChange } from './records.js';

export const deviceChangeEmail = (
  change: DeviceChange,
  context: { realm: string; realmDisplayName: string; accountUrl: string; cancelUrl?: string },
): OutgoingEmail => {
  // The label is the adder's choice (an attacker's, too): inert text, never a link.
  const label = change.device.label ? inertName(change.device.label) : 'without a name';
  const when = `${change.at.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
  const added = change.kind === 'added';
  const subject = added
    ? `A new authenticator was added to your ${context.realmDisplayName} account`
    : `An authenticator was removed from your ${context.realmDisplayName} account`;
  const what = added
    ? `The authenticator ${label} was added to your account (${change.owner.username}) at ${when}.`
    : `The authenticator ${label} was removed from your account (${change.owner.username}) at ${when}${
        change.reason ? ` (${change.reason})` : ''
      }.`;
  const guidance =
    'If this was you, there is nothing to do. If it was not, contact your helpdesk at once: someone may have access to your account.';
  const cancel = cancelParagraph(context.cancelUrl);
  return {
    dedupeKey: `device-${change.kind}:${context.realm}:${change.device.credentialId}:${change.at.getTime()}`,
    kind: `device-${change.kind}`,
    recipient: change.owner.email as string,
    subject,
    text: `Hello ${change.owner.username},\n\n${what}\n\n${guidance}\n\nYour account's security settings: ${context.accountUrl}\n${cancel.text}`,
    html: `<p>Hello ${escapeHtml(change.owner.username)},</p><p>${escapeHtml(what)}</p><p>${escapeHtml(guidance)}</p><p><a href="${escapeHtml(context.accountUrl)}">Your account's security settings</a></p>${cancel.html}`,
  };
};

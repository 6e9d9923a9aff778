/**
 * What a recovery tells the owner, in plain text and HTML: the old authenticators were removed; they will be
 * removed after the cooling-off; the device added through a recovery link was removed (not proven in time,
 * or stopped by the owner). Device names are the user's (or an attacker's) text: quoted and escaped, with
 * `://` broken so no mail client turns them into links.
 */
import type { DeviceOwner } from '../devices/records.js';
import type { OutgoingEmail } from '../mail/outbox.js';
import { inertName } from '../notices/inert-text.js';
import { cancelParagraph } from '../notices/notice-email.js';
import { escapeHtml } from '../util/html.js';

export interface RecoveryEmailInput {
  realm: string;
  requestId: string;
  owner: DeviceOwner;
  labels: string[];
  realmDisplayName: string;
  accountUrl: string;
  /** "This wasn't me" (notices) */
  cancelUrl?: string;
}

const build = (
  input: RecoveryEmailInput,
  kind: string,
  subject: string,
  what: string,
  guidance = 'If this was not you, contact your helpdesk at once.',
): OutgoingEmail => {
  const cancel = cancelParagraph(input.cancelUrl);
  return {
    dedupeKey: `${kind}:${input.realm}:${input.requestId}`,
    kind,
    recipient: input.owner.email as string,
    subject,
    text: `Hello ${input.owner.username},\n\n${what}\n\n${guidance}\n\n${input.accountUrl}\n${cancel.text}`,
    html: `<p>Hello ${escapeHtml(input.owner.username)},</p><p>${escapeHtml(what)}</p><p>${escapeHtml(guidance)}</p><p><a href="${escapeHtml(input.accountUrl)}">Your account</a></p>${cancel.html}`,
  };
};

const listOf = (labels: string[]) => labels.map(inertName).join(', ');

export const retiredDevicesEmail = (input: RecoveryEmailInput): OutgoingEmail =>
  build(
    input,
    'recovery-retired',
    `Your old authenticators were removed from your ${input.realmDisplayName} account`,
    `You recovered your ${input.realmDisplayName} account (${input.owner.username}) with a new authenticator. The authenticators you had before were removed: ${listOf(input.labels)}. You were signed out everywhere else.`,
  );

export const retirementScheduledEmail = (input: RecoveryEmailInput & { retireAt: Date }): OutgoingEmail =>
  build(
    input,
    'recovery-scheduled',
    `Your old authenticators will be removed from your ${input.realmDisplayName} account`,
    `A new authenticator was set up through a recovery link on your ${input.realmDisplayName} account (${input.owner.username}). The authenticators you had before (${listOf(input.labels)}) will be removed at ${input.retireAt.toISOString()}.`,
    'If this was not you, contact your helpdesk before then: the change can still be stopped.',
  );

export const pendingRemovedEmail = (input: RecoveryEmailInput & { why: 'expired' | 'cancelled' }): OutgoingEmail =>
  build(
    input,
    `recovery-${input.why}`,
    `A recovery of your ${input.realmDisplayName} account was stopped`,
    `An authenticator (${listOf(input.labels)}) was set up through a recovery link on your ${input.realmDisplayName} account (${input.owner.username}) ${
      input.why === 'expired'
        ? 'but was not confirmed by a sign-in with your password in time'
        : 'and the change was stopped'
    }. It was removed; your other authenticators were kept.`,
    'If you did not ask for a recovery, change your email password and contact your helpdesk.',
  );

/**
 * What a recovery tells the owner, in their language: the old authenticators were removed; they will be
 * removed after the cooling-off; the device added through a recovery link was removed (not proven in time,
 * or stopped by the owner). Device names are the user's (or an attacker's) text: inert (quoted, `://`
 * broken, no host-like dots), escaped for HTML by the composer.
 */
import type { DeviceOwner } from '../devices/records.js';
import type { MessageKey, Translator } from '../i18n/index.js';
import { composeEmail, translatorOf } from '../mail/compose.js';
import type { OutgoingEmail } from '../mail/outbox.js';
import { inertName } from '../notices/inert-text.js';

export interface RecoveryEmailInput {
  realm: string;
  requestId: string;
  /** the owner, with their `locale` attribute when set */
  owner: DeviceOwner;
  /** the devices' names; null for a device without one */
  labels: (string | null)[];
  realmDisplayName: string;
  accountUrl: string;
  /** "This wasn't me" (notices) */
  cancelUrl?: string;
  /** the realm's default locale, for owners without a `locale` attribute */
  realmDefaultLocale?: string | undefined;
}

const build = (
  input: RecoveryEmailInput,
  kind: string,
  keys: { subject: MessageKey; what: MessageKey; guidance?: MessageKey },
  values: (t: Translator) => Record<string, string> = () => ({}),
): OutgoingEmail => {
  const t = translatorOf(input.owner.locale, input.realmDefaultLocale);
  const labels = input.labels.map((label) => (label ? inertName(label) : t.t('emails.recovery.noName'))).join(', ');
  const filled = { realm: input.realmDisplayName, username: input.owner.username, labels, ...values(t) };
  return {
    dedupeKey: `${kind}:${input.realm}:${input.requestId}`,
    kind,
    recipient: input.owner.email as string,
    ...composeEmail(t, {
      subject: t.t(keys.subject, filled),
      username: input.owner.username,
      paragraphs: [t.t(keys.what, filled), t.t(keys.guidance ?? 'emails.recovery.guidance')],
      link: { label: t.t('common.yourAccount'), url: input.accountUrl },
      cancelUrl: input.cancelUrl,
    }),
  };
};

export const retiredDevicesEmail = (input: RecoveryEmailInput): OutgoingEmail =>
  build(input, 'recovery-retired', { subject: 'emails.recovery.retiredSubject', what: 'emails.recovery.retired' });

export const retirementScheduledEmail = (input: RecoveryEmailInput & { retireAt: Date }): OutgoingEmail =>
  build(
    input,
    'recovery-scheduled',
    {
      subject: 'emails.recovery.scheduledSubject',
      what: 'emails.recovery.scheduled',
      guidance: 'emails.recovery.scheduledGuidance',
    },
    (t) => ({ when: t.dateTime(input.retireAt) }),
  );

/** `helpdesk`: the device came through the helpdesk's setup link (the owner may ask for another). */
export const pendingRemovedEmail = (
  input: RecoveryEmailInput & { why: 'expired' | 'cancelled'; helpdesk?: boolean },
): OutgoingEmail => {
  const helpdesk = input.helpdesk ? 'Helpdesk' : '';
  return build(input, `recovery-${input.why}`, {
    subject: 'emails.recovery.stoppedSubject',
    what: `emails.recovery.${input.why}${helpdesk}` as MessageKey,
    guidance: input.helpdesk ? 'emails.recovery.helpdeskGuidance' : 'emails.recovery.stoppedGuidance',
  });
};

/** At `email-only`, the helpdesk link's device is kept after the cooling-off; until then the owner can stop it. */
export const helpdeskDeviceScheduledEmail = (input: RecoveryEmailInput & { retireAt: Date }): OutgoingEmail =>
  build(
    input,
    'recovery-helpdesk-scheduled',
    {
      subject: 'emails.recovery.helpdeskScheduledSubject',
      what: 'emails.recovery.helpdeskScheduled',
      guidance: 'emails.recovery.scheduledGuidance',
    },
    (t) => ({ when: t.dateTime(input.retireAt) }),
  );

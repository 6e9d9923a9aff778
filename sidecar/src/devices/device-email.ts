/** "A new authenticator was added to your account" / "... removed", in the owner's language. */
import type { MessageKey } from '../i18n/index.js';
import { composeEmail, translatorOf } from '../mail/compose.js';
import type { OutgoingEmail } from '../mail/outbox.js';
import { inertName } from '../notices/inert-text.js';
import type { DeviceChange } from './records.js';
import { REMOVED_IN_KEYCLOAK } from './records.js';

/** The removal reasons the mirror records (records.ts, events/feed.ts), as the owner reads them. */
const REASONS: Record<string, MessageKey> = {
  [REMOVED_IN_KEYCLOAK]: 'emails.device.reasons.inKeycloak',
  'removed by the user': 'emails.device.reasons.byUser',
  'removed by an administrator': 'emails.device.reasons.byAdministrator',
  'account deleted': 'emails.device.reasons.accountDeleted',
};

export const deviceChangeEmail = (
  change: DeviceChange,
  context: {
    realm: string;
    realmDisplayName: string;
    accountUrl: string;
    cancelUrl?: string;
    /** the realm's default locale, for owners without a `locale` attribute */
    realmDefaultLocale?: string | undefined;
  },
): OutgoingEmail => {
  const t = translatorOf(change.owner.locale, context.realmDefaultLocale);
  // The label is the adder's choice (an attacker's, too): inert text, never a link.
  const label = change.device.label ? inertName(change.device.label) : t.t('emails.unnamed');
  const values = { label, username: change.owner.username, when: t.dateTime(change.at) };
  const added = change.kind === 'added';
  const reasonKey = change.reason ? REASONS[change.reason] : undefined;
  const reason = reasonKey ? t.t(reasonKey) : change.reason;
  const what = added
    ? t.t('emails.device.added', values)
    : reason
      ? t.t('emails.device.removedBecause', { ...values, reason })
      : t.t('emails.device.removed', values);
  const realm = context.realmDisplayName;
  return {
    dedupeKey: `device-${change.kind}:${context.realm}:${change.device.credentialId}:${change.at.getTime()}`,
    kind: `device-${change.kind}`,
    recipient: change.owner.email as string,
    ...composeEmail(t, {
      subject: t.t(added ? 'emails.device.addedSubject' : 'emails.device.removedSubject', { realm }),
      username: change.owner.username,
      paragraphs: [what, t.t('emails.device.guidance')],
      link: { label: t.t('emails.device.settingsLink'), url: context.accountUrl },
      cancelUrl: context.cancelUrl,
    }),
  };
};

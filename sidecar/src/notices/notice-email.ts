/** The owner's confirmation that their "This wasn't me" froze the account, in their language. */
import { composeEmail, translatorOf } from '../mail/compose.js';
import type { OutgoingEmail } from '../mail/outbox.js';

export const frozenEmail = (input: {
  realm: string;
  tokenId: string;
  realmDisplayName: string;
  deviceRemoved: boolean;
  /** the owner's `locale` attribute, and the realm's default for owners without one */
  locale?: string | undefined;
  realmDefaultLocale?: string | undefined;
}): Omit<OutgoingEmail, 'recipient'> => {
  const t = translatorOf(input.locale, input.realmDefaultLocale);
  return {
    dedupeKey: `notice-frozen:${input.realm}:${input.tokenId}`,
    kind: 'notice-frozen',
    ...composeEmail(t, {
      subject: t.t('emails.frozen.subject', { realm: input.realmDisplayName }),
      paragraphs: [
        t.t(input.deviceRemoved ? 'emails.frozen.doneWithDevice' : 'emails.frozen.done'),
        t.t('emails.frozen.next'),
      ],
    }),
  };
};

/** The reminder to set up OTP before the deadline, in the user's language. */
import { composeEmail, phrase, translatorOf } from '../mail/compose.js';
import type { OutgoingEmail } from '../mail/outbox.js';

export const reminderEmail = (input: {
  realm: string;
  userId: string;
  username: string;
  email: string;
  /** the user's `locale` attribute, and the realm's default for users without one */
  locale?: string | undefined;
  realmDefaultLocale?: string | undefined;
  deadline: Date;
  accountUrl: string;
  now: Date;
}): OutgoingEmail => {
  const t = translatorOf(input.locale, input.realmDefaultLocale);
  const day = t.date(input.deadline);
  return {
    // One reminder per user per day at most, whatever the schedule does.
    dedupeKey: `reminder:${input.realm}:${input.userId}:${input.now.toISOString().slice(0, 10)}`,
    kind: 'otp-reminder',
    recipient: input.email,
    ...composeEmail(t, {
      subject: t.t('emails.reminder.subject', { day }),
      username: input.username,
      paragraphs: [
        phrase(t, 'emails.reminder.needed', {}, { day: { strong: day } }),
        phrase(
          t,
          'emails.reminder.setUp',
          {},
          { link: { link: t.t('emails.reminder.setUpLink'), url: input.accountUrl } },
        ),
        t.t('emails.reminder.unexpected'),
      ],
    }),
  };
};

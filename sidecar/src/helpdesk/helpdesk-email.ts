/** The owner's notice of a helpdesk action on their account, in their language. */
import type { MessageKey } from '../i18n/index.js';
import { composeEmail, translatorOf } from '../mail/compose.js';
import type { OutgoingEmail } from '../mail/outbox.js';
import { inertName } from '../notices/inert-text.js';

const WHAT: Record<'remove-device' | 'reset-otp' | 'send-setup-email', MessageKey> = {
  'remove-device': 'emails.helpdesk.removeDevice',
  'reset-otp': 'emails.helpdesk.resetOtp',
  'send-setup-email': 'emails.helpdesk.sendSetupEmail',
};

export const helpdeskActionEmail = (input: {
  realm: string;
  auditId: number;
  action: keyof typeof WHAT;
  username: string;
  email: string;
  /** the owner's `locale` attribute, and the realm's default for owners without one */
  locale?: string | undefined;
  realmDefaultLocale?: string | undefined;
  label?: string;
  reason: string;
  realmDisplayName: string;
  /** the sidecar stopped during the action: it may have been done in part */
  interrupted?: boolean;
  /** a setup link went out: the step after it (a sign-in at /recovery/complete with the password and the new device) */
  completeNext?: { url: string; minutes: number };
  /** "This wasn't me" */
  cancelUrl?: string;
}): OutgoingEmail => {
  const t = translatorOf(input.locale, input.realmDefaultLocale);
  const label = input.label ? inertName(input.label) : t.t('emails.unnamed');
  const what = input.interrupted ? t.t('emails.helpdesk.interrupted') : t.t(WHAT[input.action], { label });
  return {
    dedupeKey: `helpdesk:${input.realm}:${input.auditId}`,
    kind: `helpdesk-${input.action}`,
    recipient: input.email,
    ...composeEmail(t, {
      subject: t.t('emails.helpdesk.subject', { realm: input.realmDisplayName }),
      username: input.username,
      // The reason is the staff member's words, shown as they wrote them.
      paragraphs: [
        `${what}\n${t.t('emails.helpdesk.reason', { reason: input.reason })}`,
        ...(input.completeNext
          ? [t.t('emails.helpdesk.completeNext', { url: input.completeNext.url, minutes: input.completeNext.minutes })]
          : []),
        t.t('emails.helpdesk.guidance'),
      ],
      cancelUrl: input.cancelUrl,
    }),
  };
};

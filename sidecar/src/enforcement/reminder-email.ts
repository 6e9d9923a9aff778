/** The reminder to set up OTP before the deadline, in plain text and HTML. */
import type { OutgoingEmail } from '../mail/outbox.js';
import { escapeHtml } from '../util/html.js';

export const reminderEmail = (input: {
  realm: string;
  userId: string;
  username: string;
  email: string;
  deadline: Date;
  accountUrl: string;
  now: Date;
}): OutgoingEmail => {
  const day = input.deadline.toISOString().slice(0, 10);
  const subject = `Set up two-factor authentication before ${day}`;
  const text = [
    `Hello ${input.username},`,
    '',
    `From ${day} your account needs a second factor: a one-time code from an authenticator app`,
    '(FreeOTP, Google Authenticator, Microsoft Authenticator) on your phone.',
    '',
    `Set it up now at ${input.accountUrl} (Account security > Signing in > Set up authenticator application),`,
    'or you will be asked to do it at your next sign-in after that date.',
    '',
    'If you did not expect this email, contact your helpdesk.',
  ].join('\n');
  const body = `<p>Hello ${escapeHtml(input.username)},</p>
<p>From <strong>${day}</strong> your account needs a second factor: a one-time code from an authenticator app
(FreeOTP, Google Authenticator, Microsoft Authenticator) on your phone.</p>
<p><a href="${escapeHtml(input.accountUrl)}">Set it up now</a> (Account security &gt; Signing in &gt; Set up authenticator
application), or you will be asked to do it at your next sign-in after that date.</p>
<p>If you did not expect this email, contact your helpdesk.</p>`;
  return {
    // One reminder per user per day at most, whatever the schedule does.
    dedupeKey: `reminder:${input.realm}:${input.userId}:${input.now.toISOString().slice(0, 10)}`,
    kind: 'otp-reminder',
    recipient: input.email,
    subject,
    text,
    html: body,
  };
};

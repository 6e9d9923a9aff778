/** The owner's notice of a helpdesk action on their account, in plain text and HTML. */
import type { OutgoingEmail } from '../mail/outbox.js';
import { inertName } from '../notices/inert-text.js';
import { cancelParagraph } from '../notices/notice-email.js';
import { escapeHtml } from '../util/html.js';

const WHAT: Record<'remove-device' | 'reset-otp' | 'send-setup-email', (label: string) => string> = {
  'remove-device': (label: string) => `The helpdesk removed the authenticator ${label} from your account.`,
  'reset-otp': () =>
    'The helpdesk removed all authenticators from your account. We sent you a separate email with a link to set up a new one: until you use it, signing in with your password alone does not work.',
  'send-setup-email': () => 'The helpdesk sent you an email to set up your authenticator.',
};

export const helpdeskActionEmail = (input: {
  realm: string;
  auditId: number;
  action: keyof typeof WHAT;
  username: string;
  email: string;
  label?: string;
  reason: string;
  realmDisplayName: string;
  /** the sidecar stopped during the action: it may have been done in part */
  interrupted?: boolean;
  /** "This wasn't me" */
  cancelUrl?: string;
}): OutgoingEmail => {
  const what = input.interrupted
    ? 'The helpdesk started a change to the authenticators of your account; it may not have been completed. Check them in your account page.'
    : WHAT[input.action](input.label ? inertName(input.label) : 'without a name');
  const guidance = 'If you did not ask for this, contact your helpdesk at once.';
  const cancel = cancelParagraph(input.cancelUrl);
  return {
    dedupeKey: `helpdesk:${input.realm}:${input.auditId}`,
    kind: `helpdesk-${input.action}`,
    recipient: input.email,
    subject: `A change to the sign-in of your ${input.realmDisplayName} account`,
    text: `Hello ${input.username},\n\n${what}\nReason given: ${input.reason}\n\n${guidance}\n${cancel.text}`,
    html: `<p>Hello ${escapeHtml(input.username)},</p><p>${escapeHtml(what)}<br>Reason given: ${escapeHtml(input.reason)}</p><p>${escapeHtml(guidance)}</p>${cancel.html}`,
  };
};

/**
 * The recovery pages: `/recovery` says what the realm's level lets a user do (and what to do instead when
 * no link is sent), `/recovery/complete` ends with what happened. Plain HTML, no script.
 */
import type { RecoveryLevel } from '../../../realm-files/src/index.js';

const shell = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title></head>
<body><main>
${body}
</main></body></html>`;

const FORM = `<form method="post" action="/api/v1/recovery">
<label for="identifier">Username or email</label>
<input id="identifier" name="identifier" autocomplete="username" required maxlength="254">
<button type="submit">Send me a recovery link</button>
</form>`;

const INTRO: Record<RecoveryLevel, string> = {
  'password-and-email': `<p>Enter your username or email address. If it matches an account, we email you a link
(to your verified address only). Follow it and set up your authenticator app on the new phone. Then sign in
once more with your <strong>password</strong> and a code from the <strong>new phone</strong>: only then is
your old authenticator removed. If you do not finish within a few minutes, the new one is removed again.</p>
<p>Administrators and helpdesk staff cannot recover this way: contact the helpdesk.</p>`,
  'email-only': `<p>Enter your username or email address. If it matches an account, we email you a link
(to your verified address only): follow it, set up your authenticator app on the new phone and choose a new
password. Your old authenticator is removed after a waiting period; we email you first, and you can stop it.</p>
<p>Administrators and helpdesk staff cannot recover this way: contact the helpdesk.</p>`,
  'device-and-email': `<p>This service does not send lost-phone links. If you forgot your password but still have
your phone, use "Forgot Password?" on the sign-in page: you will be asked a code from your phone. If you lost
your phone, contact the helpdesk.</p>`,
  'helpdesk-only': `<p>This service does not send lost-phone links. If you lost your phone, contact the helpdesk:
they will check who you are and send a setup link to your verified email address.</p>`,
};

export const recoveryPage = (level: RecoveryLevel): string =>
  shell(
    'Lost your phone?',
    `<h1>Lost or replaced your phone?</h1>
${INTRO[level]}
${level === 'password-and-email' || level === 'email-only' ? FORM : ''}`,
  );

const OUTCOMES = {
  done: [
    'Recovery complete',
    'Your new authenticator is confirmed. Your old authenticators are removed (after the waiting period, if this service has one) and you were signed out everywhere else. We sent you an email.',
  ],
  'nothing-pending': [
    'Nothing to confirm',
    'There is no new authenticator waiting for confirmation on this account, or it was set up too long ago. Nothing was changed. Start again at the lost-phone page if you need to.',
  ],
  expired: [
    'Sign-in not completed',
    'The sign-in did not complete. Nothing was changed. Open the link from your email again.',
  ],
} as const;

/**
 * Before the sign-in: what it will do, so an owner lured here by someone who only has their mailbox (and set
 * up a phone through the link) knows not to sign in with the old phone.
 */
export const confirmStartPage = (): string =>
  shell(
    'Confirm your new phone',
    `<h1>Confirm your new phone</h1>
<p>You set up a new phone through a lost-phone link. To finish, sign in with your <strong>password</strong> and a
code from the <strong>new phone</strong>. Then your old authenticators are removed and you are signed out
everywhere else.</p>
<p><strong>Did not set up a new phone yourself?</strong> Do not continue: someone may be reading your email.
Contact your helpdesk.</p>
<p><a href="/recovery/complete?start=1">Continue to sign-in</a></p>`,
  );

export const completionPage = (outcome: keyof typeof OUTCOMES): string => {
  const [title, text] = OUTCOMES[outcome];
  return shell(title, `<h1>${title}</h1>\n<p>${text}</p>\n<p><a href="/recovery">Lost-phone page</a></p>`);
};

/**
 * The sidecar's emails (mail/compose.ts puts them together). `{{realm}}` is the realm's display name,
 * `{{label}}` / `{{labels}}` device names already made inert, `{{when}}` / `{{day}}` dates in the reader's
 * language; `{{link}}` marks where a link goes inside a sentence.
 */
export const emails = {
  greetingNoName: 'Hello,',
  /** a device without a name, in a sentence: "The authenticator without a name was added" */
  unnamed: 'without a name',
  cancel: {
    link: "This wasn't me",
    note: '(opens a page where you confirm; the link works once, for a few days)',
  },
  reminder: {
    subject: 'Set up two-factor authentication before {{day}}',
    needed:
      'From {{day}} your account needs a second factor: a one-time code from an authenticator app (FreeOTP, Google Authenticator, Microsoft Authenticator) on your phone.',
    setUp:
      '{{link}} (Account security > Signing in > Set up authenticator application), or you will be asked to do it at your next sign-in after that date.',
    setUpLink: 'Set it up now',
    unexpected: 'If you did not expect this email, contact your helpdesk.',
  },
  device: {
    addedSubject: 'A new authenticator was added to your {{realm}} account',
    removedSubject: 'An authenticator was removed from your {{realm}} account',
    added: 'The authenticator {{label}} was added to your account ({{username}}) on {{when}}.',
    removed: 'The authenticator {{label}} was removed from your account ({{username}}) on {{when}}.',
    removedBecause:
      'The authenticator {{label}} was removed from your account ({{username}}) on {{when}} ({{reason}}).',
    guidance:
      'If this was you, there is nothing to do. If it was not, contact your helpdesk at once: someone may have access to your account.',
    settingsLink: "Your account's security settings",
    reasons: {
      inKeycloak: 'removed in Keycloak',
      byUser: 'removed by the user',
      byAdministrator: 'removed by an administrator',
      accountDeleted: 'account deleted',
    },
  },
  recovery: {
    guidance: 'If this was not you, contact your helpdesk at once.',
    noName: 'an authenticator without a name',
    retiredSubject: 'Your old authenticators were removed from your {{realm}} account',
    retired:
      'You recovered your {{realm}} account ({{username}}) with a new authenticator. The authenticators you had before were removed: {{labels}}. You were signed out everywhere else.',
    scheduledSubject: 'Your old authenticators will be removed from your {{realm}} account',
    scheduled:
      'A new authenticator was set up through a recovery link on your {{realm}} account ({{username}}). The authenticators you had before ({{labels}}) will be removed on {{when}}.',
    scheduledGuidance: 'If this was not you, contact your helpdesk before then: the change can still be stopped.',
    stoppedSubject: 'A recovery of your {{realm}} account was stopped',
    expired:
      'An authenticator ({{labels}}) was set up through a recovery link on your {{realm}} account ({{username}}) but was not confirmed by a sign-in with your password in time. It was removed; your other authenticators were kept.',
    cancelled:
      'An authenticator ({{labels}}) was set up through a recovery link on your {{realm}} account ({{username}}) and the change was stopped. It was removed; your other authenticators were kept.',
    stoppedGuidance: 'If you did not ask for a recovery, change your email password and contact your helpdesk.',
    expiredHelpdesk:
      'An authenticator ({{labels}}) was set up through the helpdesk’s setup link on your {{realm}} account ({{username}}) but was not confirmed by a sign-in with your password and the new authenticator in time. It was removed.',
    cancelledHelpdesk:
      'An authenticator ({{labels}}) was set up through the helpdesk’s setup link on your {{realm}} account ({{username}}) and the change was stopped. It was removed.',
    helpdeskGuidance:
      'If it was you, ask your helpdesk for a new setup link. If it was not, change your email password and contact your helpdesk.',
    helpdeskScheduledSubject: 'A new authenticator on your {{realm}} account',
    helpdeskScheduled:
      'A new authenticator was set up through the helpdesk’s setup link on your {{realm}} account ({{username}}). It is kept from {{when}}; until then it can be stopped.',
  },
  frozen: {
    subject: 'Your {{realm}} account was frozen at your request',
    done: 'You told us a change to the sign-in of your account was not yours. We signed you out everywhere, stopped any pending removal of your authenticators, and marked your account for the helpdesk.',
    doneWithDevice:
      'You told us a change to the sign-in of your account was not yours. We signed you out everywhere, removed the authenticator that came with that change, stopped any pending removal of your authenticators, and marked your account for the helpdesk.',
    next: 'Change your password now, and contact your helpdesk: they will check your account with you before anything else changes.',
  },
  helpdesk: {
    subject: 'A change to the sign-in of your {{realm}} account',
    removeDevice: 'The helpdesk removed the authenticator {{label}} from your account.',
    resetOtp:
      'The helpdesk removed all authenticators from your account. We sent you a separate email with a link to set up a new one: until you use it, signing in with your password alone does not work.',
    sendSetupEmail: 'The helpdesk sent you an email to set up your authenticator.',
    interrupted:
      'The helpdesk started a change to the authenticators of your account; it may not have been completed. Check them in your account page.',
    completeNext:
      'After setting up the new authenticator through that link, sign in at {{url}} with your password and a code from the new authenticator within {{minutes}} minutes: only then is it kept. If you do not, it is removed and you can ask the helpdesk for a new link.',
    reason: 'Reason given: {{reason}}',
    guidance: 'If you did not ask for this, contact your helpdesk at once.',
  },
  verification: {
    subject: 'Your {{realm}} helpdesk verification code',
    asked:
      'The {{realm}} helpdesk was asked to change how you sign in. If you are talking to the helpdesk now, read them this code:',
    validity:
      'It is valid for {{minutes}} minutes. If you did not contact the helpdesk, do not give this code to anyone: whoever asks for it is not you.',
  },
};

/**
 * The end-user pages: the lost-phone page at each recovery level (its steps say what README's "I lost my
 * phone" says), the answer to a request, the completion sign-in, "This wasn't me". Keycloak's own labels
 * (“Back to Application”…) are quoted as English Keycloak shows them.
 */
export const pages = {
  shell: {
    backToSignIn: 'Back to sign-in',
    lostPhonePage: 'Back to the lost-phone page',
  },
  recovery: {
    title: 'Lost or replaced your phone?',
    identifier: 'Username or email',
    submit: 'Send me a recovery link',
    stepsHeading: 'How it works',
    staffNoLink: 'Administrators and helpdesk staff cannot recover this way: contact the helpdesk.',
    forgotPasswordToo: 'Forgot your password as well? Then this page cannot help: contact the helpdesk.',
    intro:
      'Enter your username or email address. If it matches an account, we email you a link (to your verified address only). The answer is the same whether or not we found your account.',
    step1: 'Enter your username or email address below and select “Send me a recovery link”.',
    step2:
      'Open the email “Update Your Account” within its validity (the email says how long), follow its link and select “Click here to proceed”.',
    step3:
      'Open your authenticator app on the new phone, scan the QR code, type the 6-digit code the app shows and give the device a name.',
    passwordAndEmailStep4:
      'Within {{minutes}} minutes, select “Back to Application”, then “Continue to sign-in”, and sign in with your password and a code from the new phone. Only then does your old phone stop working, and you are signed out everywhere else. If you do not finish in time, the new phone is removed again and you start over.',
    emailOnlyStep4:
      'Choose a new password. Your old authenticator is removed after a waiting period: we email you first, and you can stop it if it was not you.',
    noLinks: 'This service does not send lost-phone links.',
    deviceAndEmailForgotPassword:
      'Forgot your password but still have your phone? Use “Forgot Password?” on the sign-in page: you will be asked for a code from your phone.',
    deviceAndEmailLostPhone: 'Lost your phone? Contact the helpdesk.',
    helpdeskOnlyLostPhone:
      'Lost your phone? Contact the helpdesk: they check who you are and send a setup link to your verified email address.',
  },
  answer: {
    title: 'Check your email',
    accepted: 'If an account matches, an email with a recovery link is on its way. It is valid for a limited time.',
    next: 'Open the email “Update Your Account” and follow its link. Then continue with step 3 of the lost-phone page.',
    nothingArrived:
      'Nothing after a few minutes? Check your spam folder, then try again. Administrators and helpdesk staff get no link: contact the helpdesk.',
  },
  complete: {
    confirmTitle: 'Confirm your new phone',
    confirmText:
      'You set up a new phone through a lost-phone link or the helpdesk’s setup link. To finish, sign in with your password and a code from the new phone: until then it is not kept. Then any old authenticators are removed and you are signed out everywhere else.',
    notYouLead: 'Did not set up a new phone yourself?',
    notYou: 'Do not continue: someone may be reading your email. Contact your helpdesk.',
    continue: 'Continue to sign-in',
    doneTitle: 'Recovery complete',
    done: 'Your new authenticator is confirmed. Your old authenticators are removed (after the waiting period, if this service has one) and you were signed out everywhere else. We sent you an email.',
    nothingPendingTitle: 'Nothing to confirm',
    nothingPending:
      'There is no new authenticator waiting for confirmation on this account, or it was set up too long ago. Nothing was changed. Start again at the lost-phone page if you need to.',
    severalPendingTitle: 'Not confirmed',
    severalPending:
      'More than one new authenticator is waiting for confirmation on this account, and a sign-in cannot tell which one gave the code. Nothing was changed: they are removed within minutes, and we email you when they are. If you did not set them all up yourself, someone may be reading your email: change its password and contact your helpdesk.',
    expiredTitle: 'Sign-in not completed',
    expired: 'The sign-in did not complete. Nothing was changed. Open the link from your email again.',
  },
  notice: {
    confirmTitle: 'This wasn’t me',
    confirmText:
      'A change to the sign-in of your account was announced to you by email. If you did not make it, confirm below: we sign you out everywhere, remove the authenticator that came with the change, stop any pending removal of your authenticators, and mark your account for the helpdesk.',
    freeze: 'Yes, freeze my account',
    madeItYourself: 'If you made the change yourself, close this page: nothing happens.',
    frozenTitle: 'Account frozen',
    frozen:
      'Done: you are signed out everywhere and your account is marked for the helpdesk. Change your password and contact your helpdesk.',
    notValidTitle: 'Link not valid',
    notValid:
      'This link cannot be used (any more). Links work once, for a few days. If you are worried about your account, contact your helpdesk.',
  },
};

/**
 * Keycloak 26's English texts for what the emulator's login pages show, under Keycloak's message keys
 * (themes/.../base/login/messages/messages_en.properties, keycloak.v2 where it overrides them). `{0}` is a
 * parameter as in Keycloak's MessageFormat. Keys starting with `email.` are the emulator's own email
 * wording (subjects are Keycloak's email theme's). Every other language file has exactly these keys.
 */
export const en = {
  // sign-in page (login.ftl)
  loginAccountTitle: 'Sign in to your account',
  usernameOrEmail: 'Username or email',
  password: 'Password',
  doForgotPassword: 'Forgot Password?',
  doLogIn: 'Sign In',
  doSubmit: 'Submit',
  doCancel: 'Cancel',
  invalidUserMessage: 'Invalid username or password.',
  invalidUsernameMessage: 'Invalid username.',
  invalidPasswordMessage: 'Invalid password.',
  accountTemporarilyDisabledMessage: 'Account is temporarily disabled; contact your administrator or retry later.',
  accountDisabledMessage: 'Account is disabled, contact your administrator.',
  emailSentMessage: 'You should receive an email shortly with further instructions.',
  reauthenticate: 'Please re-authenticate to continue',
  // OTP form (login-otp.ftl)
  loginOtpOneTime: 'One-time code',
  invalidTotpMessage: 'Invalid authenticator code.',
  // OTP setup (login-config-totp.ftl)
  loginTotpTitle: 'Mobile Authenticator Setup',
  loginTotpStep1: 'Install one of the following applications on your mobile:',
  loginTotpStep2: 'Open the application and scan this QR-Code:',
  loginTotpStep3: 'Enter the one-time code provided by the application and click Submit to finish the setup.',
  loginTotpStep3DeviceName: 'Provide a Device Name to help you manage your OTP devices.',
  loginTotpManualStep2: 'Open the application and enter the key:',
  loginTotpManualStep3: 'Use the following configuration values if the application allows setting them:',
  loginTotpUnableToScan: 'Unable to scan?',
  loginTotpScanBarcode: 'Scan QR-Code?',
  loginTotpType: 'Type',
  loginTotpAlgorithm: 'Algorithm',
  loginTotpDigits: 'Digits',
  loginTotpInterval: 'Interval',
  loginTotpCounter: 'Counter',
  'loginTotp.totp': 'Time-based',
  'loginTotp.hotp': 'Counter-based',
  authenticatorCode: 'One-time code',
  loginTotpDeviceName: 'Device Name',
  logoutOtherSessions: 'Sign out from other devices',
  configureTotpMessage: 'You need to set up Mobile Authenticator to activate your account.',
  missingTotpMessage: 'Please specify authenticator code.',
  missingTotpDeviceNameMessage: 'Please specify device name.',
  // update password, update profile (login-update-password.ftl, login-update-profile.ftl)
  updatePasswordTitle: 'Update password',
  passwordNew: 'New Password',
  passwordConfirm: 'Confirm password',
  resetPasswordMessage: 'You need to change your password.',
  missingPasswordMessage: 'Please specify password.',
  notMatchPasswordMessage: "Passwords don't match.",
  loginProfileTitle: 'Update Account Information',
  email: 'Email',
  firstName: 'First name',
  lastName: 'Last name',
  invalidEmailMessage: 'Invalid email address.',
  // "Forgot Password?" (login-reset-password.ftl) and Reset OTP (login-reset-otp.ftl)
  emailForgotTitle: 'Forgot Your Password?',
  backToLogin: '« Back to Login',
  emailInstruction:
    'Enter your username or email address and we will send you instructions on how to create a new password.',
  missingUsernameMessage: 'Please specify username.',
  'otp-reset-description': 'Which OTP configuration should be removed?',
  // info and error pages (info.ftl, error.ftl, logout-confirm.ftl)
  confirmExecutionOfActions: 'Perform the following action(s)',
  proceedWithAction: '» Click here to proceed',
  accountUpdatedMessage: 'Your account has been updated.',
  backToApplication: '« Back to Application',
  expiredActionMessage: 'Action expired. Please continue with login now.',
  expiredActionTokenNoSessionMessage: 'Action expired.',
  expiredActionTokenSessionExistsMessage: 'Action expired. Please start again.',
  emailVerifiedMessage: 'Your email address has been verified.',
  emailVerifyTitle: 'Email verification',
  verifyEmailMessage: 'You need to verify your email address to activate your account.',
  emailVerifyInstruction1: 'An email with instructions to verify your email address has been sent to your address {0}.',
  errorTitle: 'We are sorry...',
  loginTimeout: 'Your login attempt timed out. Login will start from the beginning.',
  clientNotFoundMessage: 'Client not found.',
  clientDisabledMessage: 'Client disabled.',
  invalidCodeMessage: 'An error occurred, please login again through your application.',
  logoutConfirmTitle: 'Logging out',
  logoutConfirmHeader: 'Do you want to log out?',
  doLogout: 'Logout',
  successLogout: 'You are logged out',
  // required actions by name (requiredAction.<alias>), in pages and emails
  'requiredAction.CONFIGURE_TOTP': 'Configure OTP',
  'requiredAction.UPDATE_PASSWORD': 'Update Password',
  'requiredAction.UPDATE_PROFILE': 'Update Profile',
  'requiredAction.VERIFY_EMAIL': 'Verify Email',
  'requiredAction.TERMS_AND_CONDITIONS': 'Terms and Conditions',
  // the language menu (template.ftl): its label and each language's own name (`locale_<tag>`)
  languages: 'Languages',
  locale_en: 'English',
  locale_fr: 'Français',
  locale_de: 'Deutsch',
  // emails: subjects from the email theme, the rest the emulator's own wording
  'email.executeActionsSubject': 'Update Your Account',
  'email.passwordResetSubject': 'Reset password',
  'email.emailVerificationSubject': 'Verify email',
  'email.executeActionsIntro':
    'Your administrator asks you to update your {0} account with these actions: {1}. Open the link below to start.',
  'email.executeActionsIgnore':
    'If you do not know why your administrator asked for this, ignore this message: nothing will change.',
  'email.passwordResetIntro':
    'Someone asked to change the credentials of your {0} account. If that was you, open the link below to reset them.',
  'email.passwordResetIgnore': 'If you did not ask for this, ignore this message: nothing will change.',
  'email.verificationIntro':
    'Someone created or changed a {0} account with this email address. If that was you, open the link below to verify it.',
  'email.verificationIgnore': 'If you did not ask for this, ignore this message.',
  'email.linkExpires': 'The link expires within {0}.',
  'email.unit.day': 'day',
  'email.unit.days': 'days',
  'email.unit.hour': 'hour',
  'email.unit.hours': 'hours',
  'email.unit.minute': 'minute',
  'email.unit.minutes': 'minutes',
  'email.unit.second': 'second',
  'email.unit.seconds': 'seconds',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

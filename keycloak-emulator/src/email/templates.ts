/** The emails the emulator sends, in plain text and HTML (wording our own, subjects as Keycloak's). */
import type { RealmEmail } from './smtp.js';

const html = (paragraphs: string[], link: string) =>
  `<html><body>${paragraphs
    .map((p) => `<p>${p.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`)
    .join('')}<p><a href="${link.replace(/"/g, '&quot;')}">${link.replace(/&/g, '&amp;')}</a></p></body></html>`;

/** Required actions as Keycloak's messages name them (`requiredAction.<alias>` in messages_en.properties). */
const ACTION_NAMES: Record<string, string> = {
  UPDATE_PASSWORD: 'Update Password',
  CONFIGURE_TOTP: 'Configure OTP',
  VERIFY_EMAIL: 'Verify Email',
  UPDATE_PROFILE: 'Update Profile',
  TERMS_AND_CONDITIONS: 'Terms and Conditions',
};

export const requiredActionName = (alias: string): string => ACTION_NAMES[alias] ?? alias;

export const resetCredentialsEmail = (to: string, realmTitle: string, link: string, expiresIn: string): RealmEmail => {
  const lines = [
    `Someone asked to change the credentials of your ${realmTitle} account. If that was you, open the link below to reset them.`,
    `The link expires within ${expiresIn}.`,
    'If you did not ask for this, ignore this message: nothing will change.',
  ];
  return {
    to,
    subject: 'Reset password',
    text: `${lines[0]}\n\n${link}\n\n${lines[1]}\n\n${lines[2]}\n`,
    html: html(lines, link),
  };
};

export const executeActionsEmail = (
  to: string,
  realmTitle: string,
  actions: string[],
  link: string,
  expiresIn: string,
): RealmEmail => {
  const names = actions.map(requiredActionName).join(', ');
  const lines = [
    `Your administrator asks you to update your ${realmTitle} account with these actions: ${names}. Open the link below to start.`,
    `The link expires within ${expiresIn}.`,
    'If you do not know why your administrator asked for this, ignore this message: nothing will change.',
  ];
  return {
    to,
    subject: 'Update Your Account',
    text: `${lines[0]}\n\n${link}\n\n${lines[1]}\n\n${lines[2]}\n`,
    html: html(lines, link),
  };
};

export const verifyEmailEmail = (to: string, realmTitle: string, link: string, expiresIn: string): RealmEmail => {
  const lines = [
    `Someone created or changed a ${realmTitle} account with this email address. If that was you, open the link below to verify it.`,
    `The link expires within ${expiresIn}.`,
    'If you did not ask for this, ignore this message.',
  ];
  return {
    to,
    subject: 'Verify email',
    text: `${lines[0]}\n\n${link}\n\n${lines[1]}\n\n${lines[2]}\n`,
    html: html(lines, link),
  };
};

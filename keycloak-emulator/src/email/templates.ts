/**
 * The emails the emulator sends, in plain text and HTML, in the language Keycloak picks for the user
 * (FreeMarkerEmailTemplateProvider: `resolveLocale(user)`). Subjects and action names are Keycloak's
 * texts; the sentences around them are the emulator's own wording.
 */

import type { MessageKey } from '../i18n/lang.js';
import { ENGLISH, type Lang } from '../i18n/lang.js';
import type { RealmEmail } from './smtp.js';

const html = (paragraphs: string[], link: string) =>
  `<html><body>${paragraphs
    .map((p) => `<p>${p.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`)
    .join('')}<p><a href="${link.replace(/"/g, '&quot;')}">${link.replace(/&/g, '&amp;')}</a></p></body></html>`;

const KNOWN_ACTIONS = new Set([
  'UPDATE_PASSWORD',
  'CONFIGURE_TOTP',
  'VERIFY_EMAIL',
  'UPDATE_PROFILE',
  'TERMS_AND_CONDITIONS',
]);

/** A required action as Keycloak's messages name it (`requiredAction.<alias>`); unknown aliases as they are. */
export const requiredActionName = (alias: string, lang: Lang = ENGLISH): string =>
  KNOWN_ACTIONS.has(alias) ? lang.t(`requiredAction.${alias}` as MessageKey) : alias;

/** "12 hours", "5 minutes" (in the email's language): how long a link stays valid. */
export const describeLifespan = (seconds: number, lang: Lang = ENGLISH): string => {
  const unit = (n: number, word: 'day' | 'hour' | 'minute' | 'second') =>
    `${n} ${lang.t(n === 1 ? `email.unit.${word}` : `email.unit.${word}s`)}`;
  if (seconds % 86400 === 0) return unit(seconds / 86400, 'day');
  if (seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return unit(seconds / 60, 'minute');
  return unit(seconds, 'second');
};

export interface EmailInput {
  to: string;
  realmTitle: string;
  link: string;
  lifespanSeconds: number;
  lang?: Lang;
}

/** Intro, link, expiry, what to do if unasked — the shape of every action-link email. */
const linkEmail = (input: EmailInput, subject: MessageKey, intro: string, ignore: MessageKey): RealmEmail => {
  const lang = input.lang ?? ENGLISH;
  const lines = [intro, lang.t('email.linkExpires', describeLifespan(input.lifespanSeconds, lang)), lang.t(ignore)];
  return {
    to: input.to,
    subject: lang.t(subject),
    text: `${lines[0]}\n\n${input.link}\n\n${lines[1]}\n\n${lines[2]}\n`,
    html: html(lines, input.link),
  };
};

export const resetCredentialsEmail = (input: EmailInput): RealmEmail => {
  const lang = input.lang ?? ENGLISH;
  const intro = lang.t('email.passwordResetIntro', input.realmTitle);
  return linkEmail(input, 'email.passwordResetSubject', intro, 'email.passwordResetIgnore');
};

export const executeActionsEmail = (input: EmailInput & { actions: string[] }): RealmEmail => {
  const lang = input.lang ?? ENGLISH;
  const names = input.actions.map((a) => requiredActionName(a, lang)).join(', ');
  const intro = lang.t('email.executeActionsIntro', input.realmTitle, names);
  return linkEmail(input, 'email.executeActionsSubject', intro, 'email.executeActionsIgnore');
};

export const verifyEmailEmail = (input: EmailInput): RealmEmail => {
  const lang = input.lang ?? ENGLISH;
  const intro = lang.t('email.verificationIntro', input.realmTitle);
  return linkEmail(input, 'email.emailVerificationSubject', intro, 'email.verificationIgnore');
};

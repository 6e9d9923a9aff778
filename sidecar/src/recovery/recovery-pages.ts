/**
 * The recovery pages, in the person's language, in the end-user frame (end-user-pages/): `/recovery` says what
 * the realm's level lets a user do — the numbered steps of README's "I lost my phone" where a link is sent,
 * what to do instead where none is —, the answer to a request, and `/recovery/complete` before and after the
 * proving sign-in. No script.
 */
import type { RecoveryLevel } from '../../../realm-files/src/index.js';
import { buttonLink, type EndUserPage, paragraph, steps, warning } from '../end-user-pages/page-shell.js';
import type { Translator } from '../i18n/index.js';
import { escapeHtml } from '../util/html.js';

const LOST_PHONE_PAGE = '/recovery';

const form = ({ t }: Translator) => `<form method="post" action="/api/v1/recovery">
<label for="identifier">${escapeHtml(t('pages.recovery.identifier'))}</label>
<input type="text" id="identifier" name="identifier" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="254">
<button class="button" type="submit">${escapeHtml(t('pages.recovery.submit'))}</button>
</form>`;

/** Where a link is sent: the intro, the form, then every step to the end. */
const linkSteps = (tr: Translator, level: 'password-and-email' | 'email-only', minutes: number) => {
  const { t } = tr;
  const last =
    level === 'password-and-email'
      ? t('pages.recovery.passwordAndEmailStep4', { minutes })
      : t('pages.recovery.emailOnlyStep4');
  return [
    paragraph(t('pages.recovery.intro')),
    form(tr),
    `<h2>${escapeHtml(t('pages.recovery.stepsHeading'))}</h2>`,
    steps([t('pages.recovery.step1'), t('pages.recovery.step2'), t('pages.recovery.step3'), last]),
    paragraph(t('pages.recovery.staffNoLink')),
    ...(level === 'password-and-email' ? [paragraph(t('pages.recovery.forgotPasswordToo'))] : []),
  ];
};

const noLinkText = ({ t }: Translator, level: 'device-and-email' | 'helpdesk-only') =>
  level === 'device-and-email'
    ? [
        t('pages.recovery.noLinks'),
        t('pages.recovery.deviceAndEmailForgotPassword'),
        t('pages.recovery.deviceAndEmailLostPhone'),
      ]
    : [t('pages.recovery.noLinks'), t('pages.recovery.helpdeskOnlyLostPhone')];

export interface RecoveryPageRules {
  level: RecoveryLevel;
  /** sidecar.yaml recovery.completionWindowMinutes: how long the user has to sign in with the new phone */
  completionWindowMinutes: number;
}

export const recoveryPage = (tr: Translator, rules: RecoveryPageRules): EndUserPage => ({
  title: tr.t('pages.recovery.title'),
  body: (rules.level === 'password-and-email' || rules.level === 'email-only'
    ? linkSteps(tr, rules.level, rules.completionWindowMinutes)
    : noLinkText(tr, rules.level).map(paragraph)
  ).join('\n'),
});

/** The answer to a form post: the same for every identifier, like the JSON one. */
export const requestAnsweredPage = ({ t }: Translator): EndUserPage => ({
  title: t('pages.answer.title'),
  body: [t('pages.answer.accepted'), t('pages.answer.next'), t('pages.answer.nothingArrived')]
    .map(paragraph)
    .join('\n'),
  links: [{ href: LOST_PHONE_PAGE, text: t('pages.shell.lostPhonePage') }],
});

/**
 * Before the sign-in: what it will do, so an owner lured here by someone who only has their mailbox (and set
 * up a phone through the link) knows not to sign in with the old phone.
 */
export const confirmStartPage = ({ t }: Translator): EndUserPage => ({
  title: t('pages.complete.confirmTitle'),
  body: [
    paragraph(t('pages.complete.confirmText')),
    warning(t('pages.complete.notYouLead'), t('pages.complete.notYou')),
    buttonLink({ href: '/recovery/complete?start=1', text: t('pages.complete.continue') }),
  ].join('\n'),
});

export type CompletionOutcome = 'done' | 'nothing-pending' | 'several-pending' | 'expired';

const OUTCOME_KEYS = {
  done: ['pages.complete.doneTitle', 'pages.complete.done'],
  'nothing-pending': ['pages.complete.nothingPendingTitle', 'pages.complete.nothingPending'],
  'several-pending': ['pages.complete.severalPendingTitle', 'pages.complete.severalPending'],
  expired: ['pages.complete.expiredTitle', 'pages.complete.expired'],
} as const;

export const completionPage = ({ t }: Translator, outcome: CompletionOutcome): EndUserPage => {
  const [title, text] = OUTCOME_KEYS[outcome];
  return {
    title: t(title),
    body: paragraph(t(text)),
    links: outcome === 'done' ? [] : [{ href: LOST_PHONE_PAGE, text: t('pages.shell.lostPhonePage') }],
  };
};

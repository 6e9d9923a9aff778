/**
 * The "This wasn't me" pages in the person's language, in the end-user frame: the confirm form a link opens
 * (a GET changes nothing) and the two answers to it. No script.
 */
import { type EndUserPage, paragraph } from '../end-user-pages/page-shell.js';
import type { Translator } from '../i18n/index.js';
import { escapeHtml } from '../util/html.js';

export const confirmPage = ({ t }: Translator, token: string): EndUserPage => ({
  title: t('pages.notice.confirmTitle'),
  body: `${paragraph(t('pages.notice.confirmText'))}
<form method="post" action="/notice/cancel">
<input type="hidden" name="t" value="${escapeHtml(token)}">
<button class="button" type="submit">${escapeHtml(t('pages.notice.freeze'))}</button>
</form>
${paragraph(t('pages.notice.madeItYourself'))}`,
});

/** One answer for an unknown, used and expired link alike: the page tells nothing about which. */
export const cancelAnswerPage = ({ t }: Translator, frozen: boolean): EndUserPage =>
  frozen
    ? { title: t('pages.notice.frozenTitle'), body: paragraph(t('pages.notice.frozen')) }
    : { title: t('pages.notice.notValidTitle'), body: paragraph(t('pages.notice.notValid')) };

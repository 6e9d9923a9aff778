/**
 * The info and error pages of email links, with Keycloak's texts (messages_en.properties, base theme
 * `info.ftl`): the "Perform the following action(s)" page with its proceed link, "Your account has been
 * updated.", and the "Action expired" messages of LoginActionsService.
 */
import { requiredActionName } from '../email/templates.js';
import { ENGLISH } from '../i18n/lang.js';
import { infoPage, type PageBase } from './pages.js';

/** `expiredActionMessage`: the token was used up by a finished login. */
export const ACTION_USED_UP = 'Action expired. Please continue with login now.';
/** `expiredActionTokenSessionExistsMessage`: expired, and this browser has the login that sent it. */
export const ACTION_EXPIRED_RESTART = 'Action expired. Please start again.';
/** `expiredActionTokenNoSessionMessage`: expired, opened anywhere else. */
export const ACTION_EXPIRED = 'Action expired.';
/** `accountUpdatedMessage` */
export const ACCOUNT_UPDATED = 'Your account has been updated.';

/**
 * ExecuteActionsActionTokenHandler's page for a link opened without a login in progress: the actions
 * (`confirmExecutionOfActions` + their names) and "» Click here to proceed" (`proceedWithAction`), the only
 * way on. Keycloak bolds the names; the text is the same.
 */
export const confirmActionsPage = (frame: PageBase, actions: string[], proceedUrl: string) => {
  const lang = frame.lang ?? ENGLISH;
  const names = actions.map((a) => requiredActionName(a, lang)).join(', ');
  return infoPage({
    ...frame,
    message: `${lang.t('confirmExecutionOfActions')}: ${names}`,
    link: { href: proceedUrl, text: lang.t('proceedWithAction') },
  });
};

/**
 * The end of a link's actions without a sign-in (END_AFTER_REQUIRED_ACTIONS): "« Back to Application"
 * (`backToApplication`) only when the link carried a redirect URI, no link otherwise (SKIP_LINK).
 */
export const accountUpdatedPage = (frame: PageBase, redirectUri?: string) =>
  infoPage({
    ...frame,
    message: ACCOUNT_UPDATED,
    ...(redirectUri ? { link: { href: redirectUri, text: '« Back to Application' } } : {}),
  });

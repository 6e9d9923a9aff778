/**
 * The end-user pages over HTTP: which language a request gets, how a page is sent (its language, a strict
 * policy: no script at all, styles from this server only), and the stylesheet they share.
 */
import { type Request, type Response, Router } from 'express';
import { type Locale, pickRequestLocale, type Translator, translatorFor } from '../i18n/index.js';
import { type EndUserPage, type PageFrame, renderPage } from './page-shell.js';
import { END_USER_ASSETS, END_USER_CSS, END_USER_CSS_FILE } from './stylesheet.js';

export { END_USER_ASSETS };

export interface EndUserPagesOptions extends PageFrame {
  /** the realm's default locale when it has internationalization on (realmSettings(); cached, never rejects) */
  realmDefaultLocale: () => Promise<string | undefined>;
}

export interface EndUserPages {
  /**
   * Sends the page in the person's language: the user's `locale` when the page knows the user (and has it
   * without asking Keycloak), else the browser's Accept-Language, else the realm's default, else English.
   */
  reply(
    req: Request,
    res: Response,
    status: number,
    page: (t: Translator) => EndUserPage,
    userLocale?: string,
  ): Promise<void>;
  /** The language `reply` would choose, for a redirect that should keep it (Keycloak's `ui_locales`). */
  localeOf(req: Request, userLocale?: string): Promise<Locale>;
}

const POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const endUserPages = (options: EndUserPagesOptions): EndUserPages => {
  const translatorOf = async (req: Request, userLocale: string | undefined) =>
    translatorFor(
      await pickRequestLocale(
        {
          ...(userLocale ? { userLocale } : {}),
          ...(req.headers['accept-language'] ? { acceptLanguage: req.headers['accept-language'] } : {}),
        },
        options.realmDefaultLocale,
      ),
    );
  return {
    localeOf: async (req, userLocale) => (await translatorOf(req, userLocale)).locale,
    async reply(req, res, status, page, userLocale) {
      const t = await translatorOf(req, userLocale);
      res
        .status(status)
        .set('Content-Security-Policy', POLICY)
        .set('Content-Language', t.locale)
        // Pages carry tokens in their URLs or answer one person's request: never kept by a cache.
        .set('Cache-Control', 'no-store')
        .vary('Accept-Language')
        .type('html')
        .send(renderPage(t, options, page(t)));
    },
  };
};

/** Mounted at END_USER_ASSETS: the stylesheet under its content-named path, kept by browsers for a year. */
export const endUserAssets = (): Router => {
  const router = Router();
  router.get(`/${END_USER_CSS_FILE}`, (_req, res) => {
    res.set('Cache-Control', 'public, max-age=31536000, immutable').type('text/css').send(END_USER_CSS);
  });
  return router;
};

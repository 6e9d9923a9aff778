/** Reading a browser request and answering it with a page, with the headers Keycloak's login pages carry. */
import type { Request, Response } from 'express';
import type { RealmModel } from '../state/model.js';
import type { EmulatorState } from '../state/store.js';
import { langOfRequest } from './locale.js';
import { errorPage, realmTitleOf } from './pages.js';

export const TIMED_OUT = 'Your login attempt timed out. Login will start from the beginning.';

export const realmOf = (state: EmulatorState, req: Request) => state.realm(String(req.params.realm));

/** The query's single-valued parameters (a repeated parameter is ignored). */
export const queryOf = (req: Request): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) if (typeof value === 'string') out[key] = value;
  return out;
};

/** The page's language, from its `<html lang>`: Keycloak answers with it as Content-Language. */
const languageOf = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1] ?? 'en';

export const sendPage = (res: Response, html: string, status = 200) => {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Language': languageOf(html),
      'Cache-Control': 'no-store, must-revalidate, max-age=0',
      'X-Frame-Options': 'SAMEORIGIN',
      'Content-Security-Policy': "frame-src 'self'; frame-ancestors 'self'; object-src 'none';",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    })
    .send(html);
};

/** An error page outside a login's flow, in the language the request asks for (error.ftl). */
export const sendError = (res: Response, realm: RealmModel, message: string, status = 400) =>
  sendPage(res, errorPage({ realmTitle: realmTitleOf(realm), lang: langOfRequest(realm, res.req), message }), status);

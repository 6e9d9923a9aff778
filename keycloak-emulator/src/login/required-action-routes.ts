/**
 * `login-actions/required-action`: once the flow is done, each pending required action in turn renders
 * its page and processes its form; the URL always names the action that is due, or is redirected to it.
 */
import express, { type Request, type Response, Router } from 'express';
import type { UserModel } from '../state/model.js';
import type { EmulatorState } from '../state/store.js';
import { currentAuthSession, postedOf } from './auth-sessions.js';
import { type LoginContext, loginActionsUrl } from './context.js';
import { finish } from './finish.js';
import { realmOf, sendError, sendPage, TIMED_OUT } from './http.js';
import { contextFor, proceed } from './journey.js';
import { completeRequiredAction, pendingRequiredActions, requiredActionHandlers } from './required-actions.js';

/**
 * "Cancel" on an application-initiated action's page (`cancel-aia`) ends the action unfinished; the
 * application gets `kc_action_status=cancelled`. An action the user has pending cannot be cancelled.
 */
const cancelsApplicationAction = (ctx: LoginContext, user: UserModel, alias: string) => {
  if (!ctx.form['cancel-aia'] || ctx.authSession.notes.kcAction !== alias) return false;
  if (user.requiredActions.includes(alias)) return false;
  ctx.authSession.notes.kcActionStatus = 'cancelled';
  return true;
};

export const requiredActionRouter = (state: EmulatorState): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  const requiredAction = async (req: Request, res: Response) => {
    const realm = realmOf(state, req);
    const authSession = currentAuthSession(req, realm);
    if (authSession?.notes.flowDone !== 'true') return sendError(res, realm, TIMED_OUT);
    const posted = postedOf(req);
    const ctx = contextFor(state, req, realm, authSession, posted);
    const user = ctx.user;
    if (!user) return sendError(res, realm, TIMED_OUT);
    const [current] = pendingRequiredActions(ctx, user);
    if (!current) return finish(res, ctx);
    const handler = requiredActionHandlers[current];
    if (!handler) return finish(res, ctx);
    if (req.query.execution !== current) {
      res.redirect(
        302,
        loginActionsUrl(ctx.request.baseUrl, realm, 'required-action', authSession, { execution: current }),
      );
      return;
    }
    if (handler.skip?.(ctx, user) || cancelsApplicationAction(ctx, user, current)) {
      ctx.authSession.requiredActions.delete(current);
      return proceed(res, ctx);
    }
    if (!posted) return sendPage(res, await handler.render(ctx, user));
    const result = await handler.process(ctx, user);
    if (!result.done) return sendPage(res, result.html, result.status);
    completeRequiredAction(ctx, user, current);
    await proceed(res, ctx);
  };
  router.get('/login-actions/required-action', requiredAction);
  router.post('/login-actions/required-action', form, requiredAction);
  return router;
};

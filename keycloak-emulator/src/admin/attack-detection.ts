/**
 * `/attack-detection/brute-force/users[/{id}]`: a user's login-failure record (filled by the login
 * pages), and clearing it. An unknown user id reads as a clean record, as Keycloak answers.
 */
import { Router } from 'express';
import { adminContext } from './context.js';

export const attackDetectionRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });

  router.get('/brute-force/users/:id', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('view-users', 'manage-users');
    const record =
      ctx.realm.settings.bruteForceProtected === true ? ctx.realm.bruteForce.get(req.params.id) : undefined;
    if (!record) {
      res.json({ numFailures: 0, disabled: false, lastIPFailure: 'n/a', lastFailure: 0 });
      return;
    }
    res.json({
      numFailures: record.numFailures,
      disabled: record.permanentlyLocked || record.lockedUntil > Date.now(),
      lastIPFailure: record.lastIPFailure,
      lastFailure: record.lastFailure,
    });
  });

  router.delete('/brute-force/users/:id', (req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-users');
    const record = ctx.realm.bruteForce.get(req.params.id);
    if (record) {
      ctx.realm.bruteForce.delete(req.params.id);
      const user = ctx.realm.users.get(req.params.id);
      // Lifting a permanent lockout enables the user again.
      if (user && record.permanentlyLocked) user.enabled = true;
      ctx.event({
        operationType: 'DELETE',
        resourceType: 'USER_LOGIN_FAILURE',
        resourcePath: `attack-detection/brute-force/users/${req.params.id}`,
      });
    }
    res.status(204).end();
  });

  router.delete('/brute-force/users', (_req, res) => {
    const ctx = adminContext(res);
    ctx.require('manage-users');
    ctx.realm.bruteForce.clear();
    ctx.event({
      operationType: 'DELETE',
      resourceType: 'USER_LOGIN_FAILURE',
      resourcePath: 'attack-detection/brute-force/users',
    });
    res.status(204).end();
  });

  return router;
};

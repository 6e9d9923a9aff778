/**
 * Work done for anonymous callers (everything the public listener serves, and what it starts off the
 * request path: a recovery request is handled after its 202) is marked with an async context. Keycloak
 * calls made inside it are not counted per operation or timed per operation: an unknown account costs
 * fewer calls than an existing one, so any such count would tell a stranger which usernames exist.
 * A capability that hands anonymous input to a later job (a queue in the store) wraps that job's work
 * in `asAnonymousWork` as well.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const anonymous = new AsyncLocalStorage<true>();

/** Runs `work` (and everything it starts, timers and promises included) as anonymous work. */
export const asAnonymousWork = <T>(work: () => T): T => anonymous.run(true, work);

/** Whether the caller runs inside anonymous work. */
export const isAnonymousWork = (): boolean => anonymous.getStore() === true;

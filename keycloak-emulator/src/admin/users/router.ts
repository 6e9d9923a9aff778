import { Router } from 'express';
// STUB — to be implemented (users resource).
export const usersRouter = (): Router => Router({ mergeParams: true, caseSensitive: true });

import { Router } from 'express';
// STUB — to be implemented.
export const eventsRouter = (): Router => Router({ mergeParams: true, caseSensitive: true });

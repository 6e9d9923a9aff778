import { Router } from 'express';
// STUB — to be implemented.
export const attackDetectionRouter = (): Router => Router({ mergeParams: true, caseSensitive: true });

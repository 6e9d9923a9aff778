import type { Request } from 'express';

/** The emulator's URL as the caller reached it; issuers and links are built on it. */
export const baseUrlOf = (req: Request) => `${req.protocol}://${req.get('host')}`;

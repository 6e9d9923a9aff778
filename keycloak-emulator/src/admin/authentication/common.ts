/** Request rules shared by the authentication routes: body parsing, alias checks, permissions, answers. */
import type { Request, Response } from 'express';
import { badRequest, KeycloakHttpError } from '../../http/errors.js';
import type { Requirement } from '../../state/model.js';
import type { AdminContext } from '../context.js';
import { answerCreated } from '../route-helpers.js';

export type Json = Record<string, unknown>;

export const REQUIREMENTS: Requirement[] = ['REQUIRED', 'ALTERNATIVE', 'DISABLED', 'CONDITIONAL'];
export const FLOW_TYPES = ['basic-flow', 'client-flow', 'form-flow'] as const;

/** JAX-RS BadRequestException with a message: `{"error": ...}` like NotFoundException. */
export const illegal = (message: string) => new KeycloakHttpError(400, { error: message });

/** The JSON object body, or `{}` (these routes never reject a malformed body themselves). */
export const body = (req: Request): Json =>
  req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Json) : {};

export const stringMap = (value: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value as Json))
      if (v !== null && v !== undefined && v !== '') out[k] = String(v); // Keycloak drops empty strings
  return out;
};

const RESERVED_CHARS = /[<>&"$%!#/?\\]/;
export const validateAlias = (alias: string | undefined) => {
  if (alias && RESERVED_CHARS.test(alias))
    throw badRequest(`Character '${alias.match(RESERVED_CHARS)?.[0]}' not allowed.`);
};

export const viewRealm = (ctx: AdminContext) => ctx.require('view-realm', 'manage-realm');
export const manageRealm = (ctx: AdminContext) => ctx.require('manage-realm');

/** `201` with Location `.../authentication/<path>` (the realm as the request named it). */
export const created = (req: Request, res: Response, path: string) =>
  answerCreated(req, res, String(req.params.realm), `authentication/${path}`);

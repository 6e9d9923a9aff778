/**
 * `.../protocol-mappers` of a client or a client scope: `models` list/create/read/update/delete,
 * `add-models` (several at once) and `protocol/{protocol}` (ProtocolMappersResource).
 */
import type ProtocolMapperRepresentation from '@keycloak/keycloak-admin-client/lib/defs/protocolMapperRepresentation.js';
import { type Request, type Response, Router } from 'express';
import { badRequest, notFound } from '../../http/errors.js';
import type { ProtocolMapperModel } from '../../state/model.js';
import { type AdminContext, adminContext } from '../context.js';
import { answerCreated } from '../route-helpers.js';
import { mapperFromRepresentation, mapperRepresentation } from './representation.js';

/** The mapper owner behind a request: its mapper list and where its resource lives. */
export interface MapperOwner {
  mappers: ProtocolMapperModel[];
  /** path under the realm, e.g. `clients/{id}` */
  path: string;
}

export type MapperOwnerOf = (ctx: AdminContext, req: Request) => MapperOwner;

const mapperOf = (owner: MapperOwner, req: Request) => {
  const mapper = owner.mappers.find((m) => m.id === req.params.mapperId);
  if (!mapper) throw notFound('Model not found');
  return mapper;
};

/** Owners are viewed with view-clients and changed with manage-clients, as Keycloak checks them. */
const owned = (ownerOf: MapperOwnerOf, req: Request, res: Response, write: boolean) => {
  const ctx = adminContext(res);
  ctx.require(...(write ? (['manage-clients'] as const) : (['view-clients', 'manage-clients'] as const)));
  return { ctx, owner: ownerOf(ctx, req) };
};

const addMapper = (ctx: AdminContext, owner: MapperOwner, rep: ProtocolMapperRepresentation) => {
  const mapper = mapperFromRepresentation({ ...rep, id: undefined }, owner.mappers);
  owner.mappers.push(mapper);
  ctx.event({
    operationType: 'CREATE',
    resourceType: 'PROTOCOL_MAPPER',
    resourcePath: `${owner.path}/protocol-mappers/models/${mapper.id}`,
    representation: rep,
  });
  return mapper;
};

export const protocolMappersRouter = (ownerOf: MapperOwnerOf): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });
  router.get('/models', (req, res) => {
    res.json(owned(ownerOf, req, res, false).owner.mappers.map(mapperRepresentation));
  });
  router.get('/protocol/:protocol', (req, res) => {
    const { owner } = owned(ownerOf, req, res, false);
    res.json(owner.mappers.filter((m) => m.protocol === req.params.protocol).map(mapperRepresentation));
  });
  router.get('/models/:mapperId', (req, res) => {
    res.json(mapperRepresentation(mapperOf(owned(ownerOf, req, res, false).owner, req)));
  });
  router.post('/models', (req, res) => {
    const { ctx, owner } = owned(ownerOf, req, res, true);
    const mapper = addMapper(ctx, owner, req.body as ProtocolMapperRepresentation);
    answerCreated(req, res, ctx.realm.name, `${owner.path}/protocol-mappers/models/${mapper.id}`);
  });
  router.post('/add-models', (req, res) => {
    const { ctx, owner } = owned(ownerOf, req, res, true);
    if (!Array.isArray(req.body)) throw badRequest('Expected an array of protocol mappers');
    for (const rep of req.body as ProtocolMapperRepresentation[]) addMapper(ctx, owner, rep);
    res.status(204).end();
  });
  router.put('/models/:mapperId', (req, res) => {
    const { ctx, owner } = owned(ownerOf, req, res, true);
    const mapper = mapperOf(owner, req);
    const rep = { ...mapper, ...(req.body as ProtocolMapperRepresentation), id: mapper.id };
    Object.assign(mapper, mapperFromRepresentation(rep as ProtocolMapperRepresentation, owner.mappers));
    ctx.event({
      operationType: 'UPDATE',
      resourceType: 'PROTOCOL_MAPPER',
      resourcePath: `${owner.path}/protocol-mappers/models/${mapper.id}`,
      representation: req.body,
    });
    res.status(204).end();
  });
  router.delete('/models/:mapperId', (req, res) => {
    const { ctx, owner } = owned(ownerOf, req, res, true);
    const mapper = mapperOf(owner, req);
    owner.mappers.splice(owner.mappers.indexOf(mapper), 1);
    ctx.event({
      operationType: 'DELETE',
      resourceType: 'PROTOCOL_MAPPER',
      resourcePath: `${owner.path}/protocol-mappers/models/${mapper.id}`,
    });
    res.status(204).end();
  });
  return router;
};

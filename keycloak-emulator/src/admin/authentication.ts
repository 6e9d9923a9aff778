/**
 * Authentication management: flows, their executions and authenticator configs, and required actions,
 * with the paths, answers and rules of Keycloak's AuthenticationManagementResource:
 * - built-in flows can't be deleted, gain, lose or reorder executions: copy them and bind the copy;
 * - a copy names its subflows and configs "<newName> <original alias>";
 * - new executions go last (priority of the last one + 1) and start DISABLED unless the provider
 *   offers a single requirement;
 * - `GET .../flows/{alias}/executions` flattens the tree with level and index.
 */
import { randomUUID } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import {
  authenticatorProvider,
  providerKind,
  providersOfKind,
  SUBFLOW_REQUIREMENT_CHOICES,
} from '../flows/providers.js';
import { badRequest, conflict, KeycloakHttpError, notFound } from '../http/errors.js';
import { baseUrlOf } from '../oidc/routes.js';
import type {
  AuthenticatorConfigModel,
  ExecutionModel,
  FlowModel,
  RealmModel,
  RequiredActionModel,
  Requirement,
} from '../state/model.js';
import { builtinRequiredActions, UNREGISTERED_REQUIRED_ACTION_PROVIDERS } from '../state/realm-defaults.js';
import { executionsOf, flowByAlias } from '../state/store.js';
import { type AdminContext, adminContext } from './context.js';

type Json = Record<string, unknown>;

const REQUIREMENTS: Requirement[] = ['REQUIRED', 'ALTERNATIVE', 'DISABLED', 'CONDITIONAL'];
const FLOW_TYPES = ['basic-flow', 'client-flow', 'form-flow'] as const;

/** JAX-RS BadRequestException with a message: `{"error": ...}` like NotFoundException. */
const illegal = (message: string) => new KeycloakHttpError(400, { error: message });

const body = (req: Request): Json =>
  req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Json) : {};

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const stringMap = (value: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value as Json))
      if (v !== null && v !== undefined && v !== '') out[k] = String(v); // Keycloak drops empty strings
  return out;
};

const RESERVED_CHARS = /[<>&"$%!#/?\\]/;
const validateAlias = (alias: string | undefined) => {
  if (alias && RESERVED_CHARS.test(alias))
    throw badRequest(`Character '${alias.match(RESERVED_CHARS)?.[0]}' not allowed.`);
};

const viewRealm = (ctx: AdminContext) => ctx.require('view-realm', 'manage-realm');
const manageRealm = (ctx: AdminContext) => ctx.require('manage-realm');

// ---- representations ----

const configOf = (realm: RealmModel, execution: ExecutionModel) =>
  execution.authenticatorConfigId ? realm.authenticatorConfigs.get(execution.authenticatorConfigId) : undefined;

/** AuthenticationFlowRepresentation, with executions as a realm export holds them. */
export const flowRepresentation = (realm: RealmModel, flow: FlowModel) => ({
  id: flow.id,
  alias: flow.alias,
  description: flow.description,
  providerId: flow.providerId,
  topLevel: flow.topLevel,
  builtIn: flow.builtIn,
  authenticationExecutions: executionsOf(realm, flow.id).map((execution) => {
    const config = configOf(realm, execution);
    const sub = execution.flowId ? realm.flows.get(execution.flowId) : undefined;
    return {
      ...(config ? { authenticatorConfig: config.alias } : {}),
      ...(execution.authenticator ? { authenticator: execution.authenticator } : {}),
      authenticatorFlow: Boolean(execution.flowId),
      ...(sub ? { flowAlias: sub.alias } : {}),
      requirement: execution.requirement,
      priority: execution.priority,
      autheticatorFlow: Boolean(execution.flowId), // sic: Keycloak still sends its old misspelt field
      userSetupAllowed: false,
    };
  }),
});

const configRepresentation = (config: AuthenticatorConfigModel) => ({
  id: config.id,
  alias: config.alias,
  config: { ...config.config },
});

/** AuthenticationExecutionInfoRepresentation rows, depth first. */
const executionInfos = (realm: RealmModel, flow: FlowModel, level = 0): Json[] =>
  executionsOf(realm, flow.id).flatMap((execution, index) => {
    const common = { id: execution.id, requirement: execution.requirement, level, index, priority: execution.priority };
    if (execution.flowId) {
      const sub = realm.flows.get(execution.flowId);
      if (!sub) return [];
      const choices =
        sub.providerId === 'form-flow'
          ? ['REQUIRED', 'DISABLED']
          : sub.providerId === 'client-flow'
            ? ['ALTERNATIVE', 'REQUIRED', 'DISABLED']
            : SUBFLOW_REQUIREMENT_CHOICES;
      const row: Json = {
        ...common,
        displayName: sub.alias,
        description: sub.description,
        requirementChoices: [...choices],
        configurable: false,
        authenticationFlow: true,
        flowId: sub.id,
        ...(sub.providerId === 'form-flow' && execution.authenticator ? { providerId: execution.authenticator } : {}),
      };
      return [row, ...executionInfos(realm, sub, level + 1)];
    }
    const provider = execution.authenticator ? authenticatorProvider(execution.authenticator) : undefined;
    if (!provider) throw notFound('Could not find authenticator provider');
    const config = configOf(realm, execution);
    return [
      {
        ...common,
        displayName: provider.displayName,
        description: provider.description,
        requirementChoices: [...provider.requirementChoices],
        configurable: provider.configurable,
        ...(provider.configurable && config ? { alias: config.alias } : {}),
        providerId: provider.id,
        ...(execution.authenticatorConfigId ? { authenticationConfig: execution.authenticatorConfigId } : {}),
      },
    ];
  });

const requiredActionRepresentation = (action: RequiredActionModel) => ({
  alias: action.alias,
  name: action.name,
  providerId: action.providerId,
  enabled: action.enabled,
  defaultAction: action.defaultAction,
  priority: action.priority,
  config: { ...action.config },
});

/** Realm order of required actions: by priority, then name (as Keycloak's comparator). */
export const requiredActionsInOrder = (realm: RealmModel): RequiredActionModel[] =>
  [...realm.requiredActions.values()].sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));

// ---- model operations ----

const nextPriority = (realm: RealmModel, flowId: string) => {
  const last = executionsOf(realm, flowId).at(-1);
  return last ? last.priority + 1 : 0;
};

const addFlow = (realm: RealmModel, fields: Omit<FlowModel, 'id'>): FlowModel => {
  const flow = { id: randomUUID(), ...fields };
  realm.flows.set(flow.id, flow);
  return flow;
};

const addConfig = (realm: RealmModel, alias: string, config: Record<string, string>): AuthenticatorConfigModel => {
  const model = { id: randomUUID(), alias, config };
  realm.authenticatorConfigs.set(model.id, model);
  return model;
};

const copyExecutions = (realm: RealmModel, newName: string, from: FlowModel, to: FlowModel) => {
  for (const execution of executionsOf(realm, from.id)) {
    const copy: ExecutionModel = { ...execution, id: randomUUID(), parentFlowId: to.id };
    if (execution.flowId) {
      const sub = realm.flows.get(execution.flowId);
      if (sub) {
        const subCopy = addFlow(realm, {
          alias: `${newName} ${sub.alias}`,
          description: sub.description,
          providerId: sub.providerId,
          topLevel: false,
          builtIn: false,
        });
        copy.flowId = subCopy.id;
        copyExecutions(realm, newName, sub, subCopy);
      }
    }
    const config = configOf(realm, execution);
    if (config) copy.authenticatorConfigId = addConfig(realm, `${newName} ${config.alias}`, { ...config.config }).id;
    realm.executions.set(copy.id, copy);
  }
};

const deleteExecutionDeep = (realm: RealmModel, execution: ExecutionModel) => {
  if (execution.flowId) {
    const sub = realm.flows.get(execution.flowId);
    if (sub) deleteFlowDeep(realm, sub);
  }
  if (execution.authenticatorConfigId) realm.authenticatorConfigs.delete(execution.authenticatorConfigId);
  realm.executions.delete(execution.id);
};

const deleteFlowDeep = (realm: RealmModel, flow: FlowModel) => {
  for (const execution of executionsOf(realm, flow.id)) deleteExecutionDeep(realm, execution);
  realm.flows.delete(flow.id);
};

const FLOW_BINDINGS = [
  'browserFlow',
  'registrationFlow',
  'directGrantFlow',
  'resetCredentialsFlow',
  'clientAuthenticationFlow',
  'dockerAuthenticationFlow',
  'firstBrokerLoginFlow',
] as const;

const boundAs = (realm: RealmModel, flow: FlowModel) =>
  FLOW_BINDINGS.find((binding) => realm.settings[binding] === flow.alias);

const parentOf = (realm: RealmModel, execution: ExecutionModel): FlowModel => {
  const parent = realm.flows.get(execution.parentFlowId);
  if (!parent) throw illegal('execution parent flow does not exist');
  return parent;
};

const executionFor = (realm: RealmModel, id: string): ExecutionModel => {
  const execution = realm.executions.get(id);
  if (!execution) throw notFound('Illegal execution');
  return execution;
};

const requiredActionFor = (realm: RealmModel, alias: string, message = 'Failed to find required action.') => {
  const action = realm.requiredActions.get(alias);
  if (!action) throw notFound(message);
  return action;
};

/** Required actions that take a configuration (Keycloak 26: UPDATE_PASSWORD's max_auth_age, ...). */
const CONFIGURABLE_REQUIRED_ACTIONS: Record<string, Json[]> = {
  UPDATE_PASSWORD: [maxAuthAgeProperty()],
  UPDATE_EMAIL: [maxAuthAgeProperty()],
  delete_credential: [maxAuthAgeProperty()],
  CONFIGURE_TOTP: [maxAuthAgeProperty()],
};

function maxAuthAgeProperty(): Json {
  return {
    name: 'max_auth_age',
    label: 'Maximum Age of Authentication',
    helpText:
      'Configures the duration in seconds this action can be used after the last authentication before the user is required to re-authenticate. This parameter is used just in the context of AIA when the kc_action parameter is available in the request, which is for instance when user himself updates his password in the account console.',
    type: 'String',
    defaultValue: '300',
    options: [],
    secret: false,
    required: false,
    readOnly: false,
  };
}

/** Config descriptions of the configurable authenticators this project touches. */
const CONFIG_PROPERTIES: Record<string, Json[]> = {
  'reset-otp': [
    {
      name: 'action_on_otp_reset_flag',
      label: 'Action on OTP reset',
      helpText:
        'Specifies which OTP credentials are removed when the user resets credentials: none of them, the one the user chooses, or all of them. In every case the user is asked to set up a new one.',
      type: 'List',
      defaultValue: 'Remove none',
      options: ['Remove none', 'Remove one', 'Remove all'],
      secret: false,
      required: false,
      readOnly: false,
    },
  ],
  'conditional-user-role': [
    { name: 'condUserRole', label: 'User role', type: 'Role', secret: false, required: false, readOnly: false },
    {
      name: 'negate',
      label: 'Negate output',
      type: 'boolean',
      defaultValue: false,
      secret: false,
      required: false,
      readOnly: false,
    },
  ],
};

// ---- routes ----

const created = (req: Request, res: Response, path: string) => {
  res
    .status(201)
    .location(`${baseUrlOf(req)}/admin/realms/${encodeURIComponent(String(req.params.realm))}/authentication/${path}`)
    .end();
};

export const authenticationRouter = (): Router => {
  const router = Router({ mergeParams: true, caseSensitive: true });

  const providerList = (kind: ReturnType<typeof providerKind>) => (_req: Request, res: Response) => {
    viewRealm(adminContext(res));
    res.json(providersOfKind(kind).map((p) => ({ id: p.id, displayName: p.displayName, description: p.description })));
  };
  router.get('/authenticator-providers', providerList('authenticator'));
  router.get('/form-providers', providerList('form'));
  router.get('/form-action-providers', providerList('form-action'));
  router.get('/client-authenticator-providers', (_req, res) => {
    adminContext(res).require('view-realm', 'manage-realm', 'view-clients', 'manage-clients');
    res.json(
      providersOfKind('client').map((p) => ({
        id: p.id,
        displayName: p.displayName,
        description: p.description,
        supportsSecret: p.id === 'client-secret' || p.id === 'client-secret-jwt',
      })),
    );
  });

  // flows
  router.get('/flows', (_req, res) => {
    const ctx = adminContext(res);
    viewRealm(ctx);
    res.json(
      [...ctx.realm.flows.values()]
        .filter((flow) => flow.topLevel && flow.alias !== 'saml ecp')
        .map((flow) => flowRepresentation(ctx.realm, flow)),
    );
  });

  router.post('/flows', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const rep = body(req);
    const alias = str(rep.alias);
    if (!alias) throw conflict('Failed to create flow with empty alias name');
    if (flowByAlias(ctx.realm, alias)) throw conflict(`Flow ${alias} already exists`);
    validateAlias(alias);
    const providerId = FLOW_TYPES.find((t) => t === rep.providerId) ?? 'basic-flow';
    const flow = addFlow(ctx.realm, {
      alias,
      description: str(rep.description) ?? '',
      providerId,
      topLevel: rep.topLevel !== false,
      builtIn: false,
    });
    ctx.event({
      operationType: 'CREATE',
      resourceType: 'AUTH_FLOW',
      resourcePath: `authentication/flows/${flow.id}`,
      representation: { ...rep, id: flow.id },
    });
    created(req, res, `flows/${flow.id}`);
  });

  const flowById = (ctx: AdminContext, id: string) => {
    const flow = ctx.realm.flows.get(id);
    if (!flow) throw notFound('Could not find flow with id');
    return flow;
  };

  router.get('/flows/:id', (req, res) => {
    const ctx = adminContext(res);
    viewRealm(ctx);
    res.json(flowRepresentation(ctx.realm, flowById(ctx, req.params.id)));
  });

  router.put('/flows/:id', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const flow = flowById(ctx, req.params.id);
    const rep = body(req);
    const alias = str(rep.alias);
    if (!alias) throw conflict('Failed to update flow with empty alias name');
    validateAlias(alias);
    if (alias !== flow.alias && flowByAlias(ctx.realm, alias)) throw conflict('Flow alias name already exists');
    // Renaming a bound flow keeps it bound, as the binding follows the flow in Keycloak's model.
    const binding = boundAs(ctx.realm, flow);
    flow.alias = alias;
    if (binding) ctx.realm.settings[binding] = alias;
    if (typeof rep.description === 'string') flow.description = rep.description;
    const representation = flowRepresentation(ctx.realm, flow);
    ctx.event({
      operationType: 'UPDATE',
      resourceType: 'AUTH_FLOW',
      resourcePath: `authentication/flows/${flow.id}`,
      representation,
    });
    res.status(202).json({ ...rep, id: flow.id });
  });

  router.delete('/flows/:id', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const flow = ctx.realm.flows.get(req.params.id);
    if (!flow) throw notFound('Flow not found');
    if (flow.builtIn) throw illegal("Can't delete built in flow");
    if (boundAs(ctx.realm, flow)) throw badRequest('Cannot delete flow, it is used in realm flow bindings');
    deleteFlowDeep(ctx.realm, flow);
    ctx.event({ operationType: 'DELETE', resourceType: 'AUTH_FLOW', resourcePath: `authentication/flows/${flow.id}` });
    res.status(204).end();
  });

  router.post('/flows/:alias/copy', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const rep = body(req);
    const newName = str(rep.newName);
    if (newName !== undefined && flowByAlias(ctx.realm, newName)) throw conflict('New flow alias name already exists');
    const flow = flowByAlias(ctx.realm, req.params.alias);
    if (!flow) throw notFound('Flow not found');
    if (!newName) throw conflict('Failed to create flow with empty alias name');
    validateAlias(newName);
    const copy = addFlow(ctx.realm, {
      alias: newName,
      description: flow.description,
      providerId: flow.providerId,
      topLevel: flow.topLevel,
      builtIn: false,
    });
    copyExecutions(ctx.realm, newName, flow, copy);
    ctx.event({
      operationType: 'CREATE',
      resourceType: 'AUTH_FLOW',
      resourcePath: `authentication/flows/${req.params.alias}/copy`,
      representation: { ...rep, id: copy.id },
    });
    res.status(201).end();
  });

  // executions of a flow
  router.get('/flows/:alias/executions', (req, res) => {
    const ctx = adminContext(res);
    viewRealm(ctx);
    const flow = flowByAlias(ctx.realm, req.params.alias);
    if (!flow) {
      res.status(404).end();
      return;
    }
    res.json(executionInfos(ctx.realm, flow));
  });

  router.put('/flows/:alias/executions', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const flow = flowByAlias(ctx.realm, req.params.alias);
    if (!flow) throw notFound('flow not found');
    const rep = body(req);
    const execution = executionFor(ctx.realm, String(rep.id ?? ''));
    const requirement = str(rep.requirement);
    if (requirement !== undefined && !REQUIREMENTS.includes(requirement as Requirement))
      throw badRequest(`Invalid requirement: ${requirement}`);
    const event = () =>
      ctx.event({
        operationType: 'UPDATE',
        resourceType: 'AUTH_EXECUTION',
        resourcePath: `authentication/flows/${flow.alias}/executions`,
        representation: rep,
      });
    // A requirement change is all Keycloak applies from this call; otherwise (25+) a new priority.
    if (requirement && requirement !== execution.requirement) {
      execution.requirement = requirement as Requirement;
      event();
      res.status(202).json(flowRepresentation(ctx.realm, flow));
      return;
    }
    let changed = false;
    if (typeof rep.priority === 'number' && Number.isInteger(rep.priority) && rep.priority !== execution.priority) {
      if (parentOf(ctx.realm, execution).builtIn) throw illegal('It is illegal to modify execution in a built in flow');
      execution.priority = rep.priority;
      changed = true;
    }
    if (!changed && rep.authenticationFlow === true && execution.flowId) {
      const sub = realmFlow(ctx.realm, execution.flowId);
      const displayName = str(rep.displayName);
      if (displayName && displayName !== sub.alias) {
        if (flowByAlias(ctx.realm, displayName)) throw conflict('Flow alias name already exists');
        sub.alias = displayName;
      }
      if (typeof rep.description === 'string') sub.description = rep.description;
      changed = true;
    }
    if (changed) event();
    res.status(202).json(flowRepresentation(ctx.realm, flow));
  });

  const realmFlow = (realm: RealmModel, id: string) => {
    const flow = realm.flows.get(id);
    if (!flow) throw notFound('Illegal execution');
    return flow;
  };

  router.post('/flows/:alias/executions/execution', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const parent = flowByAlias(ctx.realm, req.params.alias);
    if (!parent) throw illegal("Parent flow doesn't exist");
    if (parent.builtIn) throw illegal('It is illegal to add execution to a built in flow');
    const rep = body(req);
    const providerId = str(rep.provider) ?? '';
    const provider = authenticatorProvider(providerId);
    const wanted =
      parent.providerId === 'client-flow'
        ? 'client'
        : parent.providerId === 'form-flow'
          ? 'form-action'
          : 'authenticator';
    if (!provider || providerKind(providerId) !== wanted)
      throw illegal(`No authentication provider found for id: ${providerId}`);
    const execution: ExecutionModel = {
      id: randomUUID(),
      parentFlowId: parent.id,
      authenticator: providerId,
      requirement:
        provider.requirementChoices.length === 1 ? (provider.requirementChoices[0] as Requirement) : 'DISABLED',
      priority: nextPriority(ctx.realm, parent.id),
    };
    ctx.realm.executions.set(execution.id, execution);
    ctx.event({
      operationType: 'CREATE',
      resourceType: 'AUTH_EXECUTION',
      resourcePath: `authentication/flows/${parent.alias}/executions/execution`,
      representation: { ...rep, id: execution.id },
    });
    created(req, res, `executions/${execution.id}`);
  });

  router.post('/flows/:alias/executions/flow', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const parent = flowByAlias(ctx.realm, req.params.alias);
    if (!parent) throw badRequest("Parent flow doesn't exist");
    if (parent.builtIn) throw illegal('It is illegal to add sub-flow to a built in flow');
    const rep = body(req);
    const alias = str(rep.alias);
    if (!alias) throw badRequest('Flow alias is missing');
    if (flowByAlias(ctx.realm, alias)) throw conflict('New flow alias name already exists');
    validateAlias(alias);
    const type = FLOW_TYPES.find((t) => t === rep.type);
    if (!type) throw badRequest(`Invalid flow type: ${String(rep.type)}`);
    const sub = addFlow(ctx.realm, {
      alias,
      description: str(rep.description) ?? '',
      providerId: type,
      topLevel: false,
      builtIn: false,
    });
    const execution: ExecutionModel = {
      id: randomUUID(),
      parentFlowId: parent.id,
      flowId: sub.id,
      requirement: 'DISABLED',
      priority: nextPriority(ctx.realm, parent.id),
      ...(type === 'form-flow' && str(rep.provider) ? { authenticator: str(rep.provider) } : {}),
    };
    ctx.realm.executions.set(execution.id, execution);
    ctx.event({
      operationType: 'CREATE',
      resourceType: 'AUTH_EXECUTION_FLOW',
      resourcePath: `authentication/flows/${parent.alias}/executions/flow`,
      representation: { ...rep, id: execution.id },
    });
    created(req, res, `flows/${sub.id}`);
  });

  // single executions
  router.get('/executions/:id', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const execution = executionFor(ctx.realm, req.params.id);
    res.json({
      id: execution.id,
      ...(execution.authenticator ? { authenticator: execution.authenticator } : {}),
      authenticatorFlow: Boolean(execution.flowId),
      requirement: execution.requirement,
      priority: execution.priority,
      parentFlow: execution.parentFlowId,
      ...(execution.flowId ? { flowId: execution.flowId } : {}),
      ...(execution.authenticatorConfigId ? { authenticatorConfig: execution.authenticatorConfigId } : {}),
    });
  });

  router.delete('/executions/:id', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const execution = executionFor(ctx.realm, req.params.id);
    if (parentOf(ctx.realm, execution).builtIn) throw illegal('It is illegal to remove execution from a built in flow');
    deleteExecutionDeep(ctx.realm, execution);
    ctx.event({
      operationType: 'DELETE',
      resourceType: 'AUTH_EXECUTION',
      resourcePath: `authentication/executions/${execution.id}`,
    });
    res.status(204).end();
  });

  const move = (direction: -1 | 1) => (req: Request, res: Response) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const execution = executionFor(ctx.realm, String(req.params.id));
    const parent = parentOf(ctx.realm, execution);
    if (parent.builtIn) throw illegal('It is illegal to modify execution in a built in flow');
    const siblings = executionsOf(ctx.realm, parent.id);
    const other = siblings[siblings.indexOf(execution) + direction];
    if (other) {
      [execution.priority, other.priority] = [other.priority, execution.priority];
      // Equal priorities would not swap the order: make the move visible.
      if (execution.priority === other.priority) execution.priority += direction;
      ctx.event({
        operationType: 'UPDATE',
        resourceType: 'AUTH_EXECUTION',
        resourcePath: `authentication/executions/${execution.id}/${direction < 0 ? 'raise' : 'lower'}-priority`,
      });
    }
    res.status(204).end();
  };
  router.post('/executions/:id/raise-priority', move(-1));
  router.post('/executions/:id/lower-priority', move(1));

  router.post('/executions/:id/config', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const rep = body(req);
    const alias = str(rep.alias);
    validateAlias(alias);
    const execution = executionFor(ctx.realm, req.params.id);
    if (!alias) throw badRequest('Alias missing');
    const config = addConfig(ctx.realm, alias, stringMap(rep.config));
    execution.authenticatorConfigId = config.id;
    ctx.event({
      operationType: 'CREATE',
      resourceType: 'AUTH_EXECUTION',
      resourcePath: `authentication/executions/${execution.id}/config`,
      representation: { ...rep, id: config.id },
    });
    created(req, res, `executions/${execution.id}/config/${config.id}`);
  });

  // authenticator configs
  const configFor = (realm: RealmModel, id: string) => {
    const config = realm.authenticatorConfigs.get(id);
    if (!config) throw notFound('Could not find authenticator config');
    return config;
  };

  router.get('/executions/:executionId/config/:id', (req, res) => {
    const ctx = adminContext(res);
    viewRealm(ctx);
    res.json(configRepresentation(configFor(ctx.realm, req.params.id)));
  });

  router.get('/config/:id', (req, res) => {
    const ctx = adminContext(res);
    viewRealm(ctx);
    res.json(configRepresentation(configFor(ctx.realm, req.params.id)));
  });

  router.put('/config/:id', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const rep = body(req);
    validateAlias(str(rep.alias));
    const config = configFor(ctx.realm, req.params.id);
    config.alias = str(rep.alias) ?? config.alias;
    config.config = stringMap(rep.config);
    ctx.event({
      operationType: 'UPDATE',
      resourceType: 'AUTHENTICATOR_CONFIG',
      resourcePath: `authentication/config/${config.id}`,
      representation: rep,
    });
    res.status(204).end();
  });

  router.delete('/config/:id', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const config = configFor(ctx.realm, req.params.id);
    for (const execution of ctx.realm.executions.values())
      if (execution.authenticatorConfigId === config.id) delete execution.authenticatorConfigId;
    ctx.realm.authenticatorConfigs.delete(config.id);
    ctx.event({
      operationType: 'DELETE',
      resourceType: 'AUTHENTICATOR_CONFIG',
      resourcePath: `authentication/config/${config.id}`,
    });
    res.status(204).end();
  });

  router.get('/config-description/:providerId', (req, res) => {
    viewRealm(adminContext(res));
    const provider = authenticatorProvider(req.params.providerId);
    if (!provider?.configurable) throw notFound('Could not find authenticator provider');
    res.json({
      providerId: provider.id,
      name: provider.displayName,
      helpText: provider.description,
      properties: CONFIG_PROPERTIES[provider.id] ?? [],
    });
  });

  // required actions
  router.get('/required-actions', (_req, res) => {
    const ctx = adminContext(res);
    ctx.require('view-realm', 'manage-realm', 'view-users', 'manage-users');
    res.json(requiredActionsInOrder(ctx.realm).map(requiredActionRepresentation));
  });

  router.get('/unregistered-required-actions', (_req, res) => {
    const ctx = adminContext(res);
    viewRealm(ctx);
    const registered = new Set([...ctx.realm.requiredActions.values()].map((a) => a.providerId));
    res.json(UNREGISTERED_REQUIRED_ACTION_PROVIDERS.filter((p) => !registered.has(p.providerId)));
  });

  router.post('/register-required-action', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const rep = body(req);
    const providerId = str(rep.providerId);
    const known =
      UNREGISTERED_REQUIRED_ACTION_PROVIDERS.find((p) => p.providerId === providerId) ??
      builtinRequiredActions().find((a) => a.providerId === providerId);
    if (!providerId || !known) throw illegal('Required Action Provider with given providerId not found');
    if (ctx.realm.requiredActions.has(providerId)) throw conflict(`Required action ${providerId} already exists`);
    const last = requiredActionsInOrder(ctx.realm).at(-1);
    ctx.realm.requiredActions.set(providerId, {
      alias: providerId,
      name: str(rep.name) ?? known.name,
      providerId,
      enabled: true,
      defaultAction: false,
      priority: last ? last.priority + 1 : 0,
      config: {},
    });
    ctx.event({
      operationType: 'CREATE',
      resourceType: 'REQUIRED_ACTION',
      resourcePath: 'authentication/register-required-action',
      representation: rep,
    });
    res.status(204).end();
  });

  router.get('/required-actions/:alias', (req, res) => {
    const ctx = adminContext(res);
    viewRealm(ctx);
    res.json(
      requiredActionRepresentation(requiredActionFor(ctx.realm, req.params.alias, 'Failed to find required action')),
    );
  });

  router.put('/required-actions/:alias', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const action = requiredActionFor(ctx.realm, req.params.alias, 'Failed to find required action');
    const rep = body(req);
    // Keycloak copies every field of the representation (missing booleans become false).
    if (typeof rep.name === 'string') action.name = rep.name;
    action.enabled = rep.enabled === true;
    action.defaultAction = rep.defaultAction === true;
    if (typeof rep.priority === 'number' && Number.isFinite(rep.priority)) action.priority = Math.trunc(rep.priority);
    if (rep.config && typeof rep.config === 'object') action.config = stringMap(rep.config);
    // A disabled action can't be a default action (Keycloak's admin console enforces the same).
    if (!action.enabled) action.defaultAction = false;
    ctx.event({
      operationType: 'UPDATE',
      resourceType: 'REQUIRED_ACTION',
      resourcePath: `authentication/required-actions/${action.alias}`,
      representation: rep,
    });
    res.status(204).end();
  });

  router.delete('/required-actions/:alias', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const action = requiredActionFor(ctx.realm, req.params.alias);
    ctx.realm.requiredActions.delete(action.alias);
    ctx.event({
      operationType: 'DELETE',
      resourceType: 'REQUIRED_ACTION',
      resourcePath: `authentication/required-actions/${action.alias}`,
    });
    res.status(204).end();
  });

  const moveAction = (direction: -1 | 1) => (req: Request, res: Response) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    const action = requiredActionFor(ctx.realm, String(req.params.alias));
    const ordered = requiredActionsInOrder(ctx.realm);
    const other = ordered[ordered.indexOf(action) + direction];
    if (other) {
      [action.priority, other.priority] = [other.priority, action.priority];
      if (action.priority === other.priority) action.priority += direction;
      ctx.event({
        operationType: 'UPDATE',
        resourceType: 'REQUIRED_ACTION',
        resourcePath: `authentication/required-actions/${action.alias}/${direction < 0 ? 'raise' : 'lower'}-priority`,
      });
    }
    res.status(204).end();
  };
  router.post('/required-actions/:alias/raise-priority', moveAction(-1));
  router.post('/required-actions/:alias/lower-priority', moveAction(1));

  const configurableAction = (alias: string) => {
    if (!CONFIGURABLE_REQUIRED_ACTIONS[alias]) throw illegal('RequiredAction is not configurable');
  };

  router.get('/required-actions/:alias/config-description', (req, res) => {
    viewRealm(adminContext(res));
    const properties = CONFIGURABLE_REQUIRED_ACTIONS[req.params.alias];
    if (!properties) throw notFound('Could not find configurable RequiredAction provider');
    res.json({ properties });
  });

  router.get('/required-actions/:alias/config', (req, res) => {
    const ctx = adminContext(res);
    viewRealm(ctx);
    configurableAction(req.params.alias);
    const action = ctx.realm.requiredActions.get(req.params.alias);
    if (!action || Object.keys(action.config).length === 0) throw notFound('Could not find RequiredAction config');
    res.json({ config: { ...action.config } });
  });

  router.put('/required-actions/:alias/config', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    configurableAction(req.params.alias);
    const action = requiredActionFor(ctx.realm, req.params.alias, 'Could not find RequiredAction config');
    const rep = body(req);
    const config = stringMap(rep.config);
    if (config.max_auth_age !== undefined && !/^\d+$/.test(config.max_auth_age))
      throw new KeycloakHttpError(400, {
        errors: [{ field: 'max_auth_age', errorMessage: 'error-invalid-number', params: ['max_auth_age'] }],
      });
    action.config = config;
    ctx.event({
      operationType: 'UPDATE',
      resourceType: 'REQUIRED_ACTION_CONFIG',
      resourcePath: `authentication/required-actions/${action.alias}/config`,
      representation: rep,
    });
    res.status(204).end();
  });

  router.delete('/required-actions/:alias/config', (req, res) => {
    const ctx = adminContext(res);
    manageRealm(ctx);
    configurableAction(req.params.alias);
    const action = ctx.realm.requiredActions.get(req.params.alias);
    if (!action || Object.keys(action.config).length === 0) throw notFound('Could not find RequiredAction config');
    action.config = {};
    ctx.event({
      operationType: 'DELETE',
      resourceType: 'REQUIRED_ACTION_CONFIG',
      resourcePath: `authentication/required-actions/${action.alias}/config`,
    });
    res.status(204).end();
  });

  return router;
};

// ---- realm import ----

interface ExportedExecution {
  authenticator?: string;
  authenticatorConfig?: string;
  authenticatorFlow?: boolean;
  flowAlias?: string;
  requirement?: string;
  priority?: number;
}

interface ExportedFlow {
  id?: string;
  alias?: string;
  description?: string;
  providerId?: string;
  topLevel?: boolean;
  builtIn?: boolean;
  authenticationExecutions?: ExportedExecution[];
}

/**
 * Imports a realm export's `authenticatorConfig`, `authenticationFlows` and `requiredActions`: flows
 * replace same-alias flows, executions refer to configs by alias and to subflows by `flowAlias`,
 * required actions are updated or registered.
 */
export const importAuthentication = (
  realm: RealmModel,
  rep: { authenticationFlows?: unknown[]; authenticatorConfig?: unknown[]; requiredActions?: unknown[] },
): void => {
  const flows = (rep.authenticationFlows ?? []) as ExportedFlow[];
  const configsByAlias = new Map<string, Record<string, string>>();
  for (const raw of (rep.authenticatorConfig ?? []) as Json[]) {
    const alias = str(raw.alias);
    if (alias) configsByAlias.set(alias, stringMap(raw.config));
  }
  for (const flow of flows) {
    if (!flow.alias) throw badRequest('Flow alias is missing');
    const existing = flowByAlias(realm, flow.alias);
    if (existing) deleteFlowDeep(realm, existing);
  }
  const created = new Map<string, FlowModel>();
  for (const flow of flows) {
    const model = addFlow(realm, {
      alias: flow.alias as string,
      description: flow.description ?? '',
      providerId: FLOW_TYPES.find((t) => t === flow.providerId) ?? 'basic-flow',
      topLevel: flow.topLevel !== false,
      builtIn: flow.builtIn === true,
    });
    if (flow.id && !realm.flows.has(flow.id)) {
      realm.flows.delete(model.id);
      model.id = flow.id;
      realm.flows.set(model.id, model);
    }
    created.set(model.alias, model);
  }
  for (const flow of flows) {
    const parent = created.get(flow.alias as string) as FlowModel;
    for (const exported of flow.authenticationExecutions ?? []) {
      const requirement = REQUIREMENTS.find((r) => r === exported.requirement) ?? 'DISABLED';
      const execution: ExecutionModel = {
        id: randomUUID(),
        parentFlowId: parent.id,
        requirement,
        priority: typeof exported.priority === 'number' ? exported.priority : 0,
        ...(exported.authenticator ? { authenticator: exported.authenticator } : {}),
      };
      if (exported.authenticatorFlow) {
        const sub = exported.flowAlias
          ? (created.get(exported.flowAlias) ?? flowByAlias(realm, exported.flowAlias))
          : undefined;
        if (!sub) throw badRequest(`Flow ${exported.flowAlias ?? ''} referenced by ${parent.alias} is missing`);
        execution.flowId = sub.id;
      } else if (!exported.authenticator || !authenticatorProvider(exported.authenticator)) {
        throw badRequest(`No authentication provider found for id: ${exported.authenticator ?? ''}`);
      }
      const configAlias = exported.authenticatorConfig;
      if (configAlias) {
        const config = configsByAlias.get(configAlias);
        if (!config) throw badRequest(`Authenticator config ${configAlias} is missing`);
        execution.authenticatorConfigId = addConfig(realm, configAlias, { ...config }).id;
      }
      realm.executions.set(execution.id, execution);
    }
  }
  for (const raw of (rep.requiredActions ?? []) as Json[]) {
    const alias = str(raw.alias);
    if (!alias) continue;
    const current = realm.requiredActions.get(alias);
    realm.requiredActions.set(alias, {
      alias,
      name: str(raw.name) ?? current?.name ?? alias,
      providerId: str(raw.providerId) ?? current?.providerId ?? alias,
      enabled: raw.enabled !== false,
      defaultAction: raw.defaultAction === true,
      priority: typeof raw.priority === 'number' ? raw.priority : (current?.priority ?? 0),
      config: raw.config ? stringMap(raw.config) : (current?.config ?? {}),
    });
  }
};

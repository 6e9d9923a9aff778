/**
 * Imports a realm export's `authenticatorConfig`, `authenticationFlows` and `requiredActions`: flows
 * replace same-alias flows, executions refer to configs by alias and to subflows by `flowAlias`,
 * required actions are updated or registered.
 */
import { randomUUID } from 'node:crypto';
import { authenticatorProvider } from '../../flows/providers.js';
import { badRequest } from '../../http/errors.js';
import type { ExecutionModel, FlowModel, RealmModel } from '../../state/model.js';
import { flowByAlias } from '../../state/store.js';
import { str } from '../route-helpers.js';
import { FLOW_TYPES, type Json, REQUIREMENTS, stringMap } from './common.js';
import { addConfig, addFlow, deleteFlowDeep } from './model.js';

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

const configsByAlias = (configs: Json[]) => {
  const byAlias = new Map<string, Record<string, string>>();
  for (const raw of configs) {
    const alias = str(raw.alias);
    if (alias) byAlias.set(alias, stringMap(raw.config));
  }
  return byAlias;
};

/** Deletes the flows the import replaces, then creates every flow (keeping its exported id when free). */
const replaceFlows = (realm: RealmModel, flows: ExportedFlow[]): Map<string, FlowModel> => {
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
  return created;
};

const importExecution = (
  realm: RealmModel,
  parent: FlowModel,
  exported: ExportedExecution,
  created: Map<string, FlowModel>,
  configs: Map<string, Record<string, string>>,
) => {
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
    const config = configs.get(configAlias);
    if (!config) throw badRequest(`Authenticator config ${configAlias} is missing`);
    execution.authenticatorConfigId = addConfig(realm, configAlias, { ...config }).id;
  }
  realm.executions.set(execution.id, execution);
};

const importRequiredActions = (realm: RealmModel, actions: Json[]) => {
  for (const raw of actions) {
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

export const importAuthentication = (
  realm: RealmModel,
  rep: { authenticationFlows?: unknown[]; authenticatorConfig?: unknown[]; requiredActions?: unknown[] },
): void => {
  const flows = (rep.authenticationFlows ?? []) as ExportedFlow[];
  const configs = configsByAlias((rep.authenticatorConfig ?? []) as Json[]);
  const created = replaceFlows(realm, flows);
  for (const flow of flows) {
    const parent = created.get(flow.alias as string) as FlowModel;
    for (const exported of flow.authenticationExecutions ?? [])
      importExecution(realm, parent, exported, created, configs);
  }
  importRequiredActions(realm, (rep.requiredActions ?? []) as Json[]);
};

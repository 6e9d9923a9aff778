/**
 * Operations on the authentication models and the lookups that answer Keycloak's 404s. A copy names
 * its subflows and configs "<newName> <original alias>"; deleting a flow or execution takes its
 * subflows and configs with it.
 */
import { randomUUID } from 'node:crypto';
import { notFound } from '../../http/errors.js';
import type { AuthenticatorConfigModel, ExecutionModel, FlowModel, RealmModel } from '../../state/model.js';
import { executionsOf } from '../../state/store.js';
import { illegal } from './common.js';
import { configOf } from './representation.js';

/** New executions go last: the priority of the last one + 1. */
export const nextPriority = (realm: RealmModel, flowId: string) => {
  const last = executionsOf(realm, flowId).at(-1);
  return last ? last.priority + 1 : 0;
};

export const addFlow = (realm: RealmModel, fields: Omit<FlowModel, 'id'>): FlowModel => {
  const flow = { id: randomUUID(), ...fields };
  realm.flows.set(flow.id, flow);
  return flow;
};

export const addConfig = (
  realm: RealmModel,
  alias: string,
  config: Record<string, string>,
): AuthenticatorConfigModel => {
  const model = { id: randomUUID(), alias, config };
  realm.authenticatorConfigs.set(model.id, model);
  return model;
};

export const copyExecutions = (realm: RealmModel, newName: string, from: FlowModel, to: FlowModel) => {
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

export const deleteExecutionDeep = (realm: RealmModel, execution: ExecutionModel) => {
  if (execution.flowId) {
    const sub = realm.flows.get(execution.flowId);
    if (sub) deleteFlowDeep(realm, sub);
  }
  if (execution.authenticatorConfigId) realm.authenticatorConfigs.delete(execution.authenticatorConfigId);
  realm.executions.delete(execution.id);
};

export const deleteFlowDeep = (realm: RealmModel, flow: FlowModel) => {
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

/** The realm binding (browserFlow, ...) that names this flow, if any. */
export const boundAs = (realm: RealmModel, flow: FlowModel) =>
  FLOW_BINDINGS.find((binding) => realm.settings[binding] === flow.alias);

/**
 * Swaps priorities with the neighbour above (-1) or below (+1) in `ordered` and returns that neighbour
 * (undefined at either end). Equal priorities would not swap the order, so the moved one is bumped.
 */
export const swapWithNeighbour = <T extends { priority: number }>(ordered: T[], item: T, direction: -1 | 1) => {
  const other = ordered[ordered.indexOf(item) + direction];
  if (other) {
    [item.priority, other.priority] = [other.priority, item.priority];
    if (item.priority === other.priority) item.priority += direction;
  }
  return other;
};

export const parentOf = (realm: RealmModel, execution: ExecutionModel): FlowModel => {
  const parent = realm.flows.get(execution.parentFlowId);
  if (!parent) throw illegal('execution parent flow does not exist');
  return parent;
};

export const flowById = (realm: RealmModel, id: string) => {
  const flow = realm.flows.get(id);
  if (!flow) throw notFound('Could not find flow with id');
  return flow;
};

/** The subflow an execution points to (Keycloak answers "Illegal execution" when it is gone). */
export const subflowOf = (realm: RealmModel, id: string) => {
  const flow = realm.flows.get(id);
  if (!flow) throw notFound('Illegal execution');
  return flow;
};

export const executionFor = (realm: RealmModel, id: string): ExecutionModel => {
  const execution = realm.executions.get(id);
  if (!execution) throw notFound('Illegal execution');
  return execution;
};

export const configFor = (realm: RealmModel, id: string) => {
  const config = realm.authenticatorConfigs.get(id);
  if (!config) throw notFound('Could not find authenticator config');
  return config;
};

export const requiredActionFor = (realm: RealmModel, alias: string, message = 'Failed to find required action.') => {
  const action = realm.requiredActions.get(alias);
  if (!action) throw notFound(message);
  return action;
};

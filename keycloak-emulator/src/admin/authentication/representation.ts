/** Pure conversions from the authentication models to Keycloak's representations. */
import { authenticatorProvider, SUBFLOW_REQUIREMENT_CHOICES } from '../../flows/providers.js';
import { notFound } from '../../http/errors.js';
import type {
  AuthenticatorConfigModel,
  ExecutionModel,
  FlowModel,
  RealmModel,
  RequiredActionModel,
} from '../../state/model.js';
import { executionsOf } from '../../state/store.js';
import type { Json } from './common.js';

export const configOf = (realm: RealmModel, execution: ExecutionModel) =>
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

export const configRepresentation = (config: AuthenticatorConfigModel) => ({
  id: config.id,
  alias: config.alias,
  config: { ...config.config },
});

/** AuthenticationExecutionRepresentation of a single execution (`GET .../executions/{id}`). */
export const executionRepresentation = (execution: ExecutionModel) => ({
  id: execution.id,
  ...(execution.authenticator ? { authenticator: execution.authenticator } : {}),
  authenticatorFlow: Boolean(execution.flowId),
  requirement: execution.requirement,
  priority: execution.priority,
  parentFlow: execution.parentFlowId,
  ...(execution.flowId ? { flowId: execution.flowId } : {}),
  ...(execution.authenticatorConfigId ? { authenticatorConfig: execution.authenticatorConfigId } : {}),
});

/** The requirements a subflow offers, by its type. */
const subflowChoices = (sub: FlowModel) =>
  sub.providerId === 'form-flow'
    ? ['REQUIRED', 'DISABLED']
    : sub.providerId === 'client-flow'
      ? ['ALTERNATIVE', 'REQUIRED', 'DISABLED']
      : SUBFLOW_REQUIREMENT_CHOICES;

/** AuthenticationExecutionInfoRepresentation rows, depth first. */
export const executionInfos = (realm: RealmModel, flow: FlowModel, level = 0): Json[] =>
  executionsOf(realm, flow.id).flatMap((execution, index) => {
    const common = { id: execution.id, requirement: execution.requirement, level, index, priority: execution.priority };
    if (execution.flowId) {
      const sub = realm.flows.get(execution.flowId);
      if (!sub) return [];
      const row: Json = {
        ...common,
        displayName: sub.alias,
        description: sub.description,
        requirementChoices: [...subflowChoices(sub)],
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

export const requiredActionRepresentation = (action: RequiredActionModel) => ({
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

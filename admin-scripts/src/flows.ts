/**
 * Reading and building authentication flows. Built-in flows are never edited: a flow is built as a copy
 * of the built-in one under a fresh alias, adjusted, read back and checked step by step, and only then
 * bound to the realm — so a failure never leaves a half-built flow in use. A previous version is then
 * deleted and the new one takes its alias.
 */
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import type AuthenticationExecutionInfoRepresentation from '@keycloak/keycloak-admin-client/lib/defs/authenticationExecutionInfoRepresentation.js';
import type RequiredActionProviderRepresentation from '@keycloak/keycloak-admin-client/lib/defs/requiredActionProviderRepresentation.js';
import { type FlowStep, stepDifferences, stepsOf } from './desired.js';

type Row = AuthenticationExecutionInfoRepresentation & { priority?: number };

const status = (error: unknown) => (error as { response?: { status?: number } }).response?.status;

export const readFlow = async (
  kc: KcAdminClient,
  realm: string,
  alias: string,
): Promise<{ rows: Row[]; steps: FlowStep[] } | undefined> => {
  let rows: Row[];
  try {
    rows = (await kc.authenticationManagement.getExecutions({ realm, flow: alias })) as Row[];
  } catch (error) {
    if (status(error) === 404) return undefined;
    throw error;
  }
  const configs = new Map<string, Record<string, string>>();
  for (const row of rows)
    if (row.authenticationConfig) {
      const config = await kc.authenticationManagement.getConfig({ realm, id: row.authenticationConfig });
      configs.set(row.authenticationConfig, (config.config ?? {}) as Record<string, string>);
    }
  return { rows, steps: stepsOf(rows, configs) };
};

/**
 * The realm's required actions. Declared as the admin client declares its own `getRequiredActions`,
 * whose query type (`void`) cannot name the realm.
 */
export const requiredActionsOf = (kc: KcAdminClient, realm: string) =>
  kc.authenticationManagement.makeRequest<{ realm: string }, RequiredActionProviderRepresentation[]>({
    method: 'GET',
    path: '/required-actions',
  })({ realm });

const flowId = async (kc: KcAdminClient, realm: string, alias: string) =>
  (await kc.authenticationManagement.getFlows({ realm })).find((f) => f.alias === alias)?.id;

interface FlowSpec {
  builtIn: string;
  alias: string;
  binding: 'browserFlow' | 'resetCredentialsFlow';
  desired: FlowStep[];
}

export const buildFlow = async (kc: KcAdminClient, realm: string, spec: FlowSpec): Promise<void> => {
  const auth = kc.authenticationManagement;
  const previous = await flowId(kc, realm, spec.alias);
  const alias = previous ? `${spec.alias}-next-${Date.now().toString(36)}` : spec.alias;
  await auth.copyFlow({ realm, flow: spec.builtIn, newName: alias });
  try {
    await shapeCopy(kc, realm, alias, spec.desired);
    const built = await readFlow(kc, realm, alias);
    const differences = stepDifferences(built?.steps ?? [], spec.desired);
    if (differences.length > 0) throw new Error(`the built flow differs from the policy: ${differences.join('; ')}`);
  } catch (error) {
    const id = await flowId(kc, realm, alias);
    if (id) await auth.deleteFlow({ realm, flowId: id }).catch(() => undefined);
    throw error;
  }
  await kc.realms.update({ realm }, { [spec.binding]: alias });
  if (!previous) return;
  await auth.deleteFlow({ realm, flowId: previous });
  const id = (await flowId(kc, realm, alias)) as string;
  const flow = await auth.getFlow({ realm, flowId: id });
  await auth.updateFlow({ realm, flowId: id }, { ...flow, alias: spec.alias });
  // Subflows were named after the temporary alias: give them the final one.
  for (const row of (await readFlow(kc, realm, spec.alias))?.rows ?? [])
    if (row.authenticationFlow && row.displayName?.startsWith(`${alias} `))
      await auth.updateExecution(
        { realm, flow: spec.alias },
        { ...row, displayName: `${spec.alias} ${row.displayName.slice(alias.length + 1)}` },
      );
};

/** Sets requirements and configs on a fresh copy and adds the subflows realm.yaml declares. */
const shapeCopy = async (kc: KcAdminClient, realm: string, alias: string, desired: FlowStep[]) => {
  const auth = kc.authenticationManagement;
  const rows = ((await readFlow(kc, realm, alias))?.rows ?? []) as Row[];
  // Desired steps that come from the built-in flow, in order, match the copy's rows one to one.
  const kept = desired.filter((_, i) => !insideAdded(desired, i));
  if (kept.length !== rows.length)
    throw new Error(`the copy of the built-in flow has ${rows.length} steps, expected ${kept.length}`);
  const rowOf = new Map<FlowStep, Row>(kept.map((step, i) => [step, rows[i] as Row]));
  for (const [step, row] of rowOf) {
    if (row.requirement !== step.requirement)
      await auth.updateExecution({ realm, flow: alias }, { ...row, requirement: step.requirement });
    if (step.config) {
      if (row.authenticationConfig)
        await auth.updateConfig({
          realm,
          id: row.authenticationConfig,
          alias: `${alias} ${step.provider}`,
          config: step.config,
        });
      else
        await auth.createConfig({
          realm,
          id: row.id as string,
          alias: `${alias} ${step.provider}`,
          config: step.config,
        });
    }
  }
  for (let i = 0; i < desired.length; i++) {
    const step = desired[i] as FlowStep;
    if (!step.added) continue;
    await addSubflow(kc, realm, alias, desired, i, rowOf);
  }
};

/** Whether step i is an added subflow or inside one. */
const insideAdded = (steps: FlowStep[], i: number): boolean => {
  const step = steps[i] as FlowStep;
  if (step.added) return true;
  for (let j = i - 1; j >= 0; j--) {
    const before = steps[j] as FlowStep;
    if (before.level < step.level) return Boolean(before.added) || insideAdded(steps, j);
  }
  return false;
};

const addSubflow = async (
  kc: KcAdminClient,
  realm: string,
  alias: string,
  desired: FlowStep[],
  index: number,
  rowOf: Map<FlowStep, Row>,
) => {
  const auth = kc.authenticationManagement;
  const step = desired[index] as FlowStep;
  const parentStep = desired
    .slice(0, index)
    .reverse()
    .find((s) => s.level === step.level - 1);
  const parentAlias = parentStep ? (rowOf.get(parentStep)?.displayName as string) : alias;
  const subAlias = `${alias} ${step.added}`;
  await auth.addFlowToFlow({
    realm,
    flow: parentAlias,
    alias: subAlias,
    type: 'basic-flow',
    description: '',
    provider: '',
  });
  const children = [];
  for (let j = index + 1; j < desired.length && (desired[j] as FlowStep).level > step.level; j++)
    children.push(desired[j] as FlowStep);
  for (const child of children) await auth.addExecutionToFlow({ realm, flow: subAlias, provider: child.provider });
  const childRows = ((await readFlow(kc, realm, subAlias))?.rows ?? []) as Row[];
  for (const [k, child] of children.entries()) {
    const row = childRows[k] as Row;
    if (row.requirement !== child.requirement)
      await auth.updateExecution({ realm, flow: subAlias }, { ...row, requirement: child.requirement });
    if (child.config)
      await auth.createConfig({
        realm,
        id: row.id as string,
        alias: `${subAlias} ${child.provider}`,
        config: child.config,
      });
  }
  // Place the subflow right after the step before it: between its priority and the next sibling's.
  const siblings = ((await readFlow(kc, realm, parentAlias))?.rows ?? []).filter((r) => (r.level ?? 0) === 0) as Row[];
  const previousStep = desired
    .slice(0, index)
    .reverse()
    .find((s) => s.level === step.level);
  const previousRow = previousStep ? rowOf.get(previousStep) : undefined;
  const subRow = siblings.find((r) => r.displayName === subAlias);
  if (subRow && previousRow?.priority !== undefined) {
    // Priority alone first: Keycloak applies a requirement change and ignores the rest of that call.
    await auth.updateExecution({ realm, flow: parentAlias }, { ...subRow, priority: previousRow.priority + 1 } as Row);
    // A subflow added right after this one goes after it.
    rowOf.set(step, { ...subRow, priority: previousRow.priority + 1 });
  }
  if (subRow && subRow.requirement !== step.requirement)
    await auth.updateExecution({ realm, flow: parentAlias }, { ...subRow, requirement: step.requirement });
};

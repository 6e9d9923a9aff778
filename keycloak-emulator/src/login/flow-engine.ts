/**
 * Runs an authentication flow from the realm's model, with Keycloak's semantics:
 * - DISABLED executions are ignored; condition authenticators only steer CONDITIONAL subflows.
 * - If a flow has REQUIRED or CONDITIONAL executions, all of them must succeed (its ALTERNATIVEs are
 *   then ignored); a CONDITIONAL subflow whose conditions are not all true counts as absent.
 * - Otherwise the first ALTERNATIVE that succeeds completes the flow; one that is only "attempted"
 *   (cookie missing, nothing to redirect to) hands over to the next.
 * - A flow left with nothing to run is not successful, so an empty alternative cannot log anyone in.
 * - An authenticator the user has not configured: when REQUIRED it adds its required action (OTP form →
 *   CONFIGURE_TOTP), when ALTERNATIVE it is skipped.
 * A form posts back to its execution; the flow is then run again from the top, completed executions
 * are skipped, and the posted one gets `action` instead of `authenticate`.
 */
import { authenticatorProvider } from '../flows/providers.js';
import type { ExecutionModel, RealmModel, UserModel } from '../state/model.js';
import { executionsOf } from '../state/store.js';
import type { LoginContext, Outcome } from './context.js';

export interface Authenticator {
  /** needs the flow to have identified a user first */
  requiresUser?: boolean;
  /** whether the user has what this authenticator checks (e.g. an OTP device) */
  configuredFor?(realm: RealmModel, user: UserModel): boolean;
  /** the required action that sets it up, added when the execution is REQUIRED and not configured */
  requiredAction?: string;
  /** a condition authenticator: evaluated for a CONDITIONAL subflow */
  matches?(ctx: LoginContext, flowId: string): boolean;
  authenticate(ctx: LoginContext): Outcome | Promise<Outcome>;
  /** handles the form this authenticator rendered */
  action?(ctx: LoginContext): Outcome | Promise<Outcome>;
  /** a condition told that the subflow it guards succeeded (AuthenticationFlowCallback) */
  onParentFlowSuccess?(ctx: LoginContext): void;
}

export type AuthenticatorRegistry = Record<string, Authenticator>;

const SUCCESS: Outcome = { kind: 'success' };
const ATTEMPTED: Outcome = { kind: 'attempted' };

export class FlowEngine {
  constructor(private readonly authenticators: AuthenticatorRegistry) {}

  private isCondition(execution: ExecutionModel): boolean {
    return (
      !execution.flowId && Boolean(execution.authenticator && authenticatorProvider(execution.authenticator)?.condition)
    );
  }

  private active(realm: RealmModel, flowId: string): ExecutionModel[] {
    return executionsOf(realm, flowId).filter((e) => e.requirement !== 'DISABLED');
  }

  /** Whether the user has configured what a flow or execution asks for (Condition - user configured). */
  isConfigured(ctx: LoginContext, execution: ExecutionModel): boolean {
    const user = ctx.user;
    if (!user) return false;
    if (execution.flowId) return this.flowConfigured(ctx, execution.flowId);
    const authenticator = execution.authenticator ? this.authenticators[execution.authenticator] : undefined;
    // Providers the emulator does not implement (organizations, passkeys) are never configured.
    if (!authenticator) return false;
    if (!authenticator.requiresUser || !authenticator.configuredFor) return true;
    return authenticator.configuredFor(ctx.realm, user);
  }

  flowConfigured(ctx: LoginContext, flowId: string): boolean {
    const executions = this.active(ctx.realm, flowId).filter((e) => !this.isCondition(e));
    const required = executions.filter((e) => e.requirement === 'REQUIRED');
    const alternatives = executions.filter((e) => e.requirement === 'ALTERNATIVE');
    if (required.length > 0) return required.every((e) => this.isConfigured(ctx, e));
    if (alternatives.length > 0) return alternatives.some((e) => this.isConfigured(ctx, e));
    return true;
  }

  private conditionsMet(ctx: LoginContext, flowId: string): boolean {
    const conditions = this.active(ctx.realm, flowId).filter((e) => this.isCondition(e));
    if (conditions.length === 0) return false;
    return conditions.every((condition) => {
      const authenticator = condition.authenticator ? this.authenticators[condition.authenticator] : undefined;
      return Boolean(authenticator?.matches?.(ctx.withExecution(condition), flowId));
    });
  }

  async runFlow(ctx: LoginContext, flowId: string): Promise<Outcome> {
    const executions = this.active(ctx.realm, flowId).filter((e) => !this.isCondition(e));
    // Conditions are evaluated when a subflow's turn comes (earlier steps may have identified the user);
    // a CONDITIONAL subflow whose conditions fail counts as absent, as in Keycloak's DefaultAuthenticationFlow.
    let ranRequired = false;
    for (const execution of executions) {
      if (execution.requirement !== 'REQUIRED' && execution.requirement !== 'CONDITIONAL') continue;
      if (this.skippedConditional(ctx, execution)) continue;
      ranRequired = true;
      const outcome = await this.runExecution(ctx, execution);
      if (outcome.kind === 'attempted')
        return ctx.failure('An error occurred, please login again through your application.');
      if (outcome.kind !== 'success') return outcome;
    }
    if (ranRequired) return SUCCESS;
    const alternatives = executions.filter((e) => e.requirement === 'ALTERNATIVE');
    for (const execution of alternatives) {
      const outcome = await this.runExecution(ctx, execution);
      if (outcome.kind === 'attempted') continue;
      return outcome;
    }
    return ATTEMPTED;
  }

  private skippedConditional(ctx: LoginContext, execution: ExecutionModel): boolean {
    if (execution.requirement !== 'CONDITIONAL' || !execution.flowId) return false;
    if (ctx.authSession.completed.has(execution.id)) return false;
    return !this.conditionsMet(ctx, execution.flowId);
  }

  /** The conditions of a subflow that succeeded hear of it (the LoA condition records the level reached). */
  private tellConditions(ctx: LoginContext, flowId: string) {
    for (const condition of this.active(ctx.realm, flowId).filter((e) => this.isCondition(e))) {
      const authenticator = condition.authenticator ? this.authenticators[condition.authenticator] : undefined;
      authenticator?.onParentFlowSuccess?.(ctx.withExecution(condition));
    }
  }

  private async runExecution(ctx: LoginContext, execution: ExecutionModel): Promise<Outcome> {
    const session = ctx.authSession;
    if (session.completed.has(execution.id)) return SUCCESS;
    if (execution.flowId) {
      const outcome = await this.runFlow(ctx, execution.flowId);
      if (outcome.kind === 'success') {
        session.completed.add(execution.id);
        this.tellConditions(ctx, execution.flowId);
      }
      return outcome;
    }
    const authenticator = execution.authenticator ? this.authenticators[execution.authenticator] : undefined;
    // Providers the emulator does not implement (Kerberos, identity providers, passkeys) are never usable.
    if (!authenticator) return ATTEMPTED;
    const user = ctx.user;
    if (authenticator.requiresUser && !user)
      return ctx.failure('An error occurred, please login again through your application.');
    if (
      user &&
      authenticator.requiresUser &&
      authenticator.configuredFor &&
      !authenticator.configuredFor(ctx.realm, user)
    ) {
      if (execution.requirement !== 'REQUIRED') return ATTEMPTED;
      if (!authenticator.requiredAction)
        return ctx.failure('An error occurred, please login again through your application.');
      session.requiredActions.add(authenticator.requiredAction);
      session.completed.add(execution.id);
      return SUCCESS;
    }
    const step = ctx.withExecution(execution);
    const action = ctx.posted?.executionId === execution.id ? authenticator.action : undefined;
    const outcome = action ? await action(step) : await authenticator.authenticate(step);
    if (outcome.kind === 'success') {
      session.completed.add(execution.id);
      // When each step succeeded (AUTHENTICATORS_COMPLETED): the AMR mapper ages its value from then.
      const times = JSON.parse(session.notes.completedAt ?? '{}') as Record<string, number>;
      session.notes.completedAt = JSON.stringify({ ...times, [execution.id]: Math.floor(Date.now() / 1000) });
    }
    return outcome;
  }
}

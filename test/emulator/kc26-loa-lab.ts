/**
 * Step-up flows built through the admin API as Keycloak's documentation builds them, and a code-flow
 * client whose tokens the tests read — shared by the kc26-loa and kc26-conditions tests.
 */
import jwt from 'jsonwebtoken';
import { tokenFor } from '../support/keycloak.js';
import type { LoginRobot } from '../support/login-robot.js';
import { kc, kut, REDIRECT_URI } from './kc26-flows-lab.js';

export interface Step {
  provider: string;
  requirement?: string;
  config?: Record<string, string>;
}
export interface Sub {
  subflow: string;
  requirement: string;
  steps: (Step | Sub)[];
}

const isSub = (s: Step | Sub): s is Sub => 'subflow' in s;

/** Fills a flow (by alias) with steps and subflows, in order. */
const fill = async (realm: string, flow: string, steps: (Step | Sub)[]) => {
  const auth = kc.authenticationManagement;
  for (const step of steps) {
    if (isSub(step)) {
      await auth.addFlowToFlow({ realm, flow, alias: step.subflow, type: 'basic-flow', description: '', provider: '' });
    } else {
      await auth.addExecutionToFlow({ realm, flow, provider: step.provider });
    }
    const rows = await auth.getExecutions({ realm, flow });
    const row = rows.filter((r) => (r.level ?? 0) === 0).at(-1);
    if (!row?.id) throw new Error(`no row for ${JSON.stringify(step)}`);
    const requirement = step.requirement ?? 'REQUIRED';
    if (row.requirement !== requirement) await auth.updateExecution({ realm, flow }, { ...row, requirement });
    if (!isSub(step) && step.config)
      await auth.createConfig({
        realm,
        id: row.id,
        alias: `${flow}-${rows.length}-${step.provider}`,
        config: step.config,
      });
    if (isSub(step)) await fill(realm, step.subflow, step.steps);
  }
};

/** Creates a top-level flow of these steps and binds it as the realm's browser flow. */
export const bindBrowserFlow = async (realm: string, alias: string, steps: (Step | Sub)[]) => {
  await kc.authenticationManagement.createFlow({
    realm,
    alias,
    providerId: 'basic-flow',
    description: alias,
    topLevel: true,
    builtIn: false,
  });
  await fill(realm, alias, steps);
  await kc.realms.update({ realm }, { browserFlow: alias });
};

export const loa = (level: number, maxAge = 36_000): Step => ({
  provider: 'conditional-level-of-authentication',
  config: { 'loa-condition-level': String(level), 'loa-max-age': String(maxAge) },
});

/** The ID token of the code the robot stopped at (the public test client). */
export const idTokenOf = async (realm: string, robot: LoginRobot): Promise<jwt.JwtPayload> => {
  const code = new URL(robot.page.url).searchParams.get('code');
  if (!code) throw new Error(`no code at ${robot.page.url}`);
  const response = await tokenFor(kut, realm, {
    grant_type: 'authorization_code',
    client_id: 'flows-app',
    code,
    redirect_uri: REDIRECT_URI,
  });
  if (!response.json?.id_token) throw new Error(`token endpoint: ${response.status} ${response.text}`);
  return jwt.decode(response.json.id_token) as jwt.JwtPayload;
};

/**
 * The deployment files cannot drift from the code: every setting they pass is one the sidecar knows,
 * secrets come from secrets, the probes and commands point at what exists, the realm-config examples
 * load, and docs/configuration.md is what the schema generates. (No Docker engine or cluster here: the
 * image itself is proven by the test that runs the production build, test/sidecar/start.test.ts.)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { imageCommand } from '../../devkit/src/index.js';
import { loadRealmConfig } from '../../realm-files/src/index.js';
import { configurationReference } from '../../sidecar/src/config/reference.js';
import { SECRET_SETTINGS, SETTINGS } from '../../sidecar/src/config/schema.js';

const SETTING_NAMES = new Set(Object.keys(SETTINGS.shape));
const ADMIN_SCRIPT_SETTINGS = new Set([
  'KEYCLOAK_URL',
  'KEYCLOAK_ADMIN',
  'KEYCLOAK_ADMIN_PASSWORD',
  'SIDECAR_CLIENT_SECRET',
  'KEYCLOAK_SMTP_PASSWORD',
  'DEMO_SMTP_HOST',
  'DEMO_SMTP_PORT',
]);
/** `dist/x/y.js` as the build names the compiled `x/y.ts` */
const sourceOf = (compiled: string) => compiled.replace(/^dist\//, '').replace(/\.js$/, '.ts');

test('docs/configuration.md is generated from the settings schema', () => {
  expect(readFileSync('docs/configuration.md', 'utf8')).toBe(configurationReference());
});

test('the Dockerfile builds in stages and runs the compiled sidecar as a non-root user with a health check', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
  expect(dockerfile).toMatch(/npm ci --omit=dev/);
  expect(dockerfile).toMatch(/^USER node$/m);
  expect(dockerfile).toMatch(/^HEALTHCHECK .*\/healthz/ms);
  // The command itself is started by test/sidecar/start.test.ts and by the benchmark (devkit/src/image.ts).
  expect(existsSync(sourceOf(imageCommand(dockerfile).script))).toBe(true);
  // What the final stage copies from the tree exists.
  for (const [, from] of dockerfile.matchAll(/^COPY (?!--from)(\S+) /gm))
    for (const path of (from ?? '').split(' ')) expect(existsSync(path)).toBe(true);
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true });

  test('the sidecar gets only settings it knows; the bootstrap runs the admin scripts first', () => {
    for (const name of Object.keys(compose.services.sidecar.environment)) expect(SETTING_NAMES).toContain(name);
    expect(compose.services.sidecar.depends_on.bootstrap.condition).toBe('service_completed_successfully');
    // the management listener (/metrics) is published to the host's loopback only
    expect(compose.services.sidecar.ports).toEqual(['8081:8081', '127.0.0.1:9464:9464']);
    const command = compose.services.bootstrap.command as string[];
    expect(existsSync(sourceOf(command[1] ?? ''))).toBe(true);
    expect(existsSync(command[3] ?? '')).toBe(true);
    for (const name of Object.keys(compose.services.bootstrap.environment))
      expect(ADMIN_SCRIPT_SETTINGS).toContain(name);
  });

  test('Keycloak is the official 26 image with its health endpoint on', () => {
    expect(compose.services.keycloak.image).toMatch(/^quay\.io\/keycloak\/keycloak:26\./);
    expect(compose.services.keycloak.environment.KC_HEALTH_ENABLED).toBe('true');
  });
});

describe('the hosted-CI workflow against a real Keycloak (.github/workflows/keycloak.yml)', () => {
  // It cannot run here (no container engine): these checks are as far as it can be proven on this machine.
  const workflowText = readFileSync('.github/workflows/keycloak.yml', 'utf8');
  const workflow = parse(workflowText);
  const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true });
  const steps = Object.values(workflow.jobs as Record<string, { steps: { run?: string }[] }>).flatMap((j) => j.steps);
  const runs = steps.map((s) => s.run ?? '').join('\n');
  const adminClient = JSON.parse(readFileSync('node_modules/@keycloak/keycloak-admin-client/package.json', 'utf8')) as {
    version: string;
  };

  test('Keycloak in compose is the 26.x release the admin client’s version matches', () => {
    expect(adminClient.version).toMatch(/^26\./);
    for (const service of ['keycloak', 'keycloak-for-tests'])
      expect(compose.services[service].image).toBe(`quay.io/keycloak/keycloak:${adminClient.version}`);
  });

  test('it starts the compose file’s test Keycloak (dev mode, admin/admin) and names no other image', () => {
    const tests = compose.services['keycloak-for-tests'];
    expect(tests.profiles).toEqual(['tests']);
    expect(tests.command[0]).toBe('start-dev');
    expect(tests.environment).toMatchObject({
      KC_BOOTSTRAP_ADMIN_USERNAME: 'admin',
      KC_BOOTSTRAP_ADMIN_PASSWORD: 'admin',
    });
    expect(runs).toMatch(/docker compose --profile tests up -d --wait .*keycloak-for-tests/);
    expect(workflowText).not.toMatch(/quay\.io\/keycloak|keycloak\/keycloak:/);
  });

  test('it runs the README’s test command after npm ci, with what .ci/run installs', () => {
    const readme = readFileSync('README.md', 'utf8');
    const command = /## Tests[\s\S]*?```sh\n(KEYCLOAK_URL=\S+ .*npm test)\n```/.exec(readme)?.[1];
    expect(command).toMatch(/^KEYCLOAK_URL=http:\/\/127\.0\.0\.1:8080 /);
    const lines = runs.split('\n').map((l) => l.trim());
    expect(lines).toContain(command);
    expect(lines.indexOf('npm ci --no-audit --no-fund')).toBeGreaterThanOrEqual(0);
    expect(lines.indexOf('npm ci --no-audit --no-fund')).toBeLessThan(lines.indexOf(command as string));
    expect(runs).toMatch(/postgresql/);
    expect(runs).toMatch(/CHROMIUM_PATH=/);
  });
});

describe('the Kubernetes example', () => {
  const dir = 'deploy/kubernetes';
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'));
  const documents = (kustomization.resources as string[]).flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS()),
  );
  const byKind = (kind: string) => documents.filter((d) => d.kind === kind);
  const byName = (kind: string, name: string) => byKind(kind).find((d) => d.metadata.name === name);

  test('two replicas with probes on /healthz and /readyz, as a non-root user on a read-only file system', () => {
    const [deployment] = byKind('Deployment');
    expect(deployment.spec.replicas).toBe(2);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(byKind('PodDisruptionBudget')).toHaveLength(1);
  });

  test("/metrics is on the pod's `metrics` port, which the Service never routes and only monitoring may reach", () => {
    const [deployment] = byKind('Deployment');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.ports).toContainEqual({ name: 'metrics', containerPort: 9464 });
    expect(container.env).toContainEqual({ name: 'METRICS_HOST', value: '0.0.0.0' });
    const service = byName('Service', 'otp-sidecar');
    expect(service.spec.ports.map((p: { targetPort: string }) => p.targetPort)).toEqual(['http']);
    const [policy] = byKind('NetworkPolicy');
    const metricsRule = policy.spec.ingress.find((r: { ports: { port: string }[] }) => r.ports[0]?.port === 'metrics');
    expect(metricsRule.from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
    ]);
  });

  test('Prometheus Operator scrapes the pods through a headless Service of the `metrics` port only', () => {
    const [deployment] = byKind('Deployment');
    const metricsService = byName('Service', 'otp-sidecar-metrics');
    expect(metricsService.spec.clusterIP).toBe('None');
    expect(metricsService.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(metricsService.spec.ports).toEqual([{ name: 'metrics', port: 9464, targetPort: 'metrics' }]);
    const [monitor] = byKind('ServiceMonitor');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(metricsService.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    // the public Service is not selected: the ServiceMonitor never scrapes through it
    expect(byName('Service', 'otp-sidecar').metadata.labels ?? {}).not.toMatchObject(monitor.spec.selector.matchLabels);
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
  });

  test('the PrometheusRule carries exactly the rules of deploy/observability/alert-rules.yaml', () => {
    const [rule] = byKind('PrometheusRule');
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    const plain = parse(readFileSync('deploy/observability/alert-rules.yaml', 'utf8'));
    expect(rule.spec).toEqual({ groups: plain.groups });
  });

  test('settings are known to the sidecar and secrets come only from the Secret', () => {
    const literals = (kustomization.configMapGenerator[0].literals as string[]).map((l) => l.split('=')[0] as string);
    const [deployment] = byKind('Deployment');
    const env = deployment.spec.template.spec.containers[0].env as { name: string; valueFrom?: unknown }[];
    for (const name of [...literals, ...env.map((e) => e.name)]) expect(SETTING_NAMES).toContain(name);
    for (const name of literals) expect(SECRET_SETTINGS.has(name)).toBe(false);
    for (const e of env) if (SECRET_SETTINGS.has(e.name)) expect(e.valueFrom).toHaveProperty('secretKeyRef');
    const secretKeys = Object.keys(parse(readFileSync(join(dir, 'secret.example.yaml'), 'utf8')).stringData);
    for (const document of documents)
      for (const [, key] of JSON.stringify(document).matchAll(/"secretKeyRef":\{"name":"otp-sidecar","key":"(\w+)"\}/g))
        expect(secretKeys).toContain(key);
  });

  test('its realm-config loads, and the bootstrap job applies it with the admin scripts', () => {
    const config = loadRealmConfig(join(dir, 'realm-config'), {
      SIDECAR_CLIENT_SECRET: 'x'.repeat(32),
      KEYCLOAK_SMTP_PASSWORD: 'smtp',
    });
    expect(config.realm.realm).toBe('example');
    expect(readdirSync(join(dir, 'realm-config')).sort()).toEqual(['realm.yaml', 'sidecar.yaml']);
    const [job] = byKind('Job');
    const command = job.spec.template.spec.containers[0].command as string[];
    expect(existsSync(sourceOf(command[1] ?? ''))).toBe(true);
    expect(command.slice(2)).toEqual(['apply', '/etc/otp-sidecar/realm-config']);
  });
});

/** Reads and validates the settings; the error names the first bad setting in one line. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { SECRET_SETTINGS, SETTINGS, type Settings } from './schema.js';

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

const KNOWN = new Set(Object.keys(SETTINGS.shape));

/** Only the settings the sidecar knows are taken from the environment (it holds much else). */
const fromEnvironment = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(
    Object.entries(env).filter(([key, value]) => KNOWN.has(key) && value !== undefined && value !== ''),
  );

const fromFile = (path: string): Record<string, unknown> => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigurationError(`SIDECAR_CONFIG_FILE: cannot read ${path}`);
  }
  const data = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new ConfigurationError(`${path}: expected a mapping of settings`);
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'object' ? v : String(v)]));
};

export const loadSettings = (env: NodeJS.ProcessEnv = process.env): Settings => {
  const file = env.SIDECAR_CONFIG_FILE ? fromFile(env.SIDECAR_CONFIG_FILE) : {};
  const result = SETTINGS.safeParse({ ...file, ...fromEnvironment(env) });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? '');
  if (issue?.code === 'unrecognized_keys') {
    throw new ConfigurationError(`unknown setting ${issue.keys.join(', ')} (in ${env.SIDECAR_CONFIG_FILE})`);
  }
  const missing = issue?.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined;
  const detail = missing ? 'is required' : SECRET_SETTINGS.has(name) ? 'is invalid' : (issue?.message ?? 'is invalid');
  throw new ConfigurationError(`${name}: ${detail}`);
};

/** The settings with secrets masked, for a start-up log line. */
export const describeSettings = (settings: Settings): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [
      key,
      SECRET_SETTINGS.has(key) && value !== undefined ? '***' : value,
    ]),
  );

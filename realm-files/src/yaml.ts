/**
 * Reading the YAML files of realm-config/<realm>/ (realm.yaml and sidecar.yaml): every problem is
 * reported as `file: path: what was expected`, all at once, before anything acts on the file.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

/** A realm-config file that cannot be read or does not match its schema; the message is for the operator. */
export class RealmConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RealmConfigError';
  }
}

const REFERENCE = /\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in the file's string values with the environment's values,
 * so one folder serves several deployments (e.g. the SMTP host inside Docker). A reference to a variable
 * that is unset and has no default is an error naming it. Secrets still belong in the `...Env` keys.
 */
export const interpolate = (file: string, value: unknown, env: NodeJS.ProcessEnv, path = ''): unknown => {
  if (typeof value === 'string')
    return value.replace(REFERENCE, (_, name: string, fallback: string | undefined) => {
      const given = env[name];
      if (given !== undefined && given !== '') return given;
      if (fallback !== undefined) return fallback;
      throw new RealmConfigError(`${file}: ${path || '(top level)'}: environment variable ${name} is not set`);
    });
  if (Array.isArray(value)) return value.map((v, i) => interpolate(file, v, env, `${path}.${i}`));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(file, v, env, path ? `${path}.${k}` : k)]),
    );
  return value;
};

export const readYamlFile = (file: string, env: NodeJS.ProcessEnv = process.env): unknown => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new RealmConfigError(`${file}: cannot be read`);
  }
  try {
    return interpolate(file, parseYaml(text), env);
  } catch (error) {
    if (error instanceof RealmConfigError) throw error;
    throw new RealmConfigError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
};

const describeIssue = (file: string, issue: z.core.$ZodIssue): string => {
  const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  const what =
    issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
  return `${file}: ${path}: ${what}`;
};

/** The file's data checked against its schema, with the defaults filled in. */
export const parseWithSchema = <S extends z.ZodType>(schema: S, file: string, data: unknown): z.infer<S> => {
  const result = schema.safeParse(data ?? {});
  if (!result.success) throw new RealmConfigError(result.error.issues.map((i) => describeIssue(file, i)).join('\n'));
  return result.data;
};

/**
 * Reading the YAML policy files of realm-config/ (the realm's and the sidecar's): every problem is
 * reported as `file: path: what was expected`, all at once, before anything acts on the file.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

export const readYamlFile = (file: string): unknown => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new PolicyError(`${file}: cannot be read`);
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new PolicyError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
};

const describeIssue = (file: string, issue: z.core.$ZodIssue): string => {
  const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  const what =
    issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
  return `${file}: ${path}: ${what}`;
};

export const parsePolicy = <S extends z.ZodType>(schema: S, file: string, data: unknown): z.infer<S> => {
  const result = schema.safeParse(data ?? {});
  if (!result.success) throw new PolicyError(result.error.issues.map((i) => describeIssue(file, i)).join('\n'));
  return result.data;
};

/**
 * The configuration reference (docs/configuration.md), generated from the settings schema so the two
 * cannot drift: `npm run docs:config` writes it, a test fails when the committed copy is stale.
 */
import type { z } from 'zod';
import { SECRET_SETTINGS, SETTINGS } from './schema.js';

interface Described {
  name: string;
  required: boolean;
  defaultValue?: unknown;
  description: string;
}

type Def = { type: string; defaultValue?: unknown; in?: { _zod: { def: Def } } };

const describe = (name: string, field: z.ZodType): Described => {
  let def = (field as unknown as { _zod: { def: Def } })._zod.def;
  // A setting parsed then transformed (a list from a comma-separated string): its default is on the input.
  if (def.type === 'pipe' && def.in) def = def.in._zod.def;
  const isDefault = def.type === 'default';
  return {
    name,
    required: !isDefault && !field.safeParse(undefined).success,
    ...(isDefault ? { defaultValue: def.defaultValue } : {}),
    description: field.description ?? '',
  };
};

const shown = (value: unknown) =>
  value === undefined ? '' : Array.isArray(value) ? `\`${value.join(',')}\`` : `\`${String(value)}\``;

export const configurationReference = (): string => {
  const rows = Object.entries(SETTINGS.shape).map(([name, field]) => describe(name, field as z.ZodType));
  const table = [
    ['setting', 'required', 'default', 'secret', 'what'],
    ...rows.map((r) => [
      `\`${r.name}\``,
      r.required ? 'yes' : '',
      shown(r.defaultValue),
      SECRET_SETTINGS.has(r.name) ? 'yes' : '',
      r.description.replaceAll('|', '\\|'),
    ]),
  ];
  // Columns padded to their widest cell, as the formatter (biome) lays out markdown tables.
  const widths = table[0]?.map((_, column) => Math.max(...table.map((row) => [...(row[column] ?? '')].length))) ?? [];
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const [header = [], ...body] = table;
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from sidecar/src/config/schema.ts by `npm run docs:config`; do not edit by hand. -->',
    '',
    'The sidecar reads these settings from the environment, or from a YAML/JSON file named by',
    '`SIDECAR_CONFIG_FILE` (same names; the environment wins). A wrong or missing setting stops the start',
    'with one line naming it (exit code 2). Secret values are never logged.',
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
  ].join('\n');
};

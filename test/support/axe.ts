/**
 * axe-core in Chromium (@axe-core/playwright): the serious and critical violations of the page as it is
 * now, one line each naming the rule and the element, so a failing test says what to fix and where.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** `<state>: <rule id> (<impact>) at <target>` for each serious or critical violation; [] when clean. */
export const severeViolations = async (page: Page, state: string): Promise<string[]> => {
  const results = await new AxeBuilder({ page }).analyze();
  if (results.passes.length < 5) throw new Error(`axe checked almost nothing on "${state}"`);
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${state}: ${v.id} (${v.impact}) at ${n.target.join(' ')} — ${v.help}`));
};

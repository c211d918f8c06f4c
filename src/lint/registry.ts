/**
 * Every lint rule, by id. Rule id = file name in rules/ = docs page docs/rules/<id>.md = config key.
 * Adding a rule: write rules/<id>.ts exporting `rule`, its docs page, and list it here.
 */
import type { Rule } from './types.js';

// Governance
import { rule as syntaxError } from './rules/syntax-error.js';
import { rule as unusedIgnore } from './rules/unused-ignore.js';
import { rule as ignoreNeedsReason } from './rules/ignore-needs-reason.js';

/** The rules `pgwarden lint` runs, governance first, then safety and style. */
export const rules: readonly Rule[] = [syntaxError, unusedIgnore, ignoreNeedsReason];

/** A rule by id. */
export function ruleById(id: string): Rule | undefined {
  return rules.find((r) => r.id === id);
}

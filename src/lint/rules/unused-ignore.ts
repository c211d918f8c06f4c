import type { Rule } from '../types.js';

/**
 * An inline `pgwarden-ignore` that suppresses nothing, or names an unknown rule. The engine reports
 * it after all other rules ran (it has to know what the ignores silenced); this entry carries its
 * metadata and configured severity.
 */
export const rule: Rule = {
  id: 'unused-ignore',
  description: 'An ignore comment that suppresses no finding, or names a rule that does not exist.',
  defaultSeverity: 'warning',
  kind: 'governance',
};

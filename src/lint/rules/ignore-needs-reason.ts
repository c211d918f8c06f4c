import type { Rule } from '../types.js';

/** An inline `pgwarden-ignore` without a reason. Reported by the engine with the ignores (see unused-ignore). */
export const rule: Rule = {
  id: 'ignore-needs-reason',
  description: 'An ignore comment that does not say why the rule does not apply.',
  defaultSeverity: 'warning',
  kind: 'governance',
};

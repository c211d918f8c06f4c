import type { CatalogSnapshot } from '../../catalog/types.js';
import type { DocsConfig } from '../../config/types.js';
import type { SchemaFinding } from '../types.js';
import { requireComment } from './require-comment.js';
import { requireFkIndex } from './require-fk-index.js';
import { requirePrimaryKey } from './require-primary-key.js';
import type { SchemaRule } from './rule.js';

/** Every schema rule, in the order findings are reported. */
export const SCHEMA_RULES: readonly SchemaRule[] = [requirePrimaryKey, requireFkIndex, requireComment];

/**
 * Runs the schema rules on a snapshot with the severities of `docs` in the config (a rule set to
 * `off` is skipped). Findings come back in rule order, then object order.
 *
 * @example
 * const findings = checkSchemaRules(snapshot, config.docs);
 * const failed = findings.some((f) => f.severity === 'error');
 */
export function checkSchemaRules(snapshot: CatalogSnapshot, config: DocsConfig): SchemaFinding[] {
  const findings: SchemaFinding[] = [];
  for (const rule of SCHEMA_RULES) {
    const severity = config[rule.configKey];
    if (severity === 'off') continue;
    findings.push(...rule.check(snapshot, severity));
  }
  return findings;
}

export type { SchemaRule } from './rule.js';

import type { CatalogSnapshot } from '../../catalog/types.js';
import type { DocsConfig } from '../../config/types.js';
import type { SchemaFinding, SchemaRuleId } from '../types.js';

/** A schema rule: checks the generated snapshot. Rule id = file name = docs section; severity from `docs.<configKey>`. */
export interface SchemaRule {
  id: SchemaRuleId;
  configKey: keyof DocsConfig;
  description: string;
  check(snapshot: CatalogSnapshot, severity: 'error' | 'warning'): SchemaFinding[];
}

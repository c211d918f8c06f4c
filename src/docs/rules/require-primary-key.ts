import type { CatalogSnapshot } from '../../catalog/types.js';
import { qualifiedName, quoteIdent } from '../sql-names.js';
import type { SchemaFinding } from '../types.js';
import type { SchemaRule } from './rule.js';

/** Every table has a primary key (foreign tables and partitions excepted: a partition has its parent's). */
export const requirePrimaryKey: SchemaRule = {
  id: 'require-primary-key',
  configKey: 'requirePrimaryKey',
  description: 'Every table has a primary key.',
  check(snapshot: CatalogSnapshot, severity): SchemaFinding[] {
    const findings: SchemaFinding[] = [];
    for (const table of Object.values(snapshot.tables)) {
      if (table.kind === 'foreign table' || table.partitionOf !== null) continue;
      if (table.constraints.some((c) => c.type === 'primary key')) continue;
      const key = `${table.schema}.${table.name}`;
      findings.push({
        rule: 'require-primary-key',
        severity,
        objectType: 'table',
        object: key,
        message: `table ${key} has no primary key`,
        help: `ALTER TABLE ${qualifiedName(table.schema, table.name)} ADD CONSTRAINT ${quoteIdent(`pk_${table.name}`)} PRIMARY KEY (...);`,
      });
    }
    return findings;
  },
};

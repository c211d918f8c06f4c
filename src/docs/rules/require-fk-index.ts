import type { CatalogSnapshot, ConstraintSnapshot, TableSnapshot } from '../../catalog/types.js';
import { qualifiedName, quoteIdent } from '../sql-names.js';
import type { SchemaFinding } from '../types.js';
import type { SchemaRule } from './rule.js';

/**
 * Every foreign key has an index on its referencing side: a valid, non-partial index whose leading
 * key columns are the foreign key's columns (in any order), so that deleting or updating a
 * referenced row does not scan the referencing table.
 */
export const requireFkIndex: SchemaRule = {
  id: 'require-fk-index',
  configKey: 'requireFkIndex',
  description: 'Every foreign key has an index whose leading columns are its columns.',
  check(snapshot: CatalogSnapshot, severity): SchemaFinding[] {
    const findings: SchemaFinding[] = [];
    for (const table of Object.values(snapshot.tables)) {
      if (table.kind === 'foreign table' || table.partitionOf !== null) continue;
      const key = `${table.schema}.${table.name}`;
      for (const fk of table.constraints) {
        if (fk.type !== 'foreign key' || fk.columns.length === 0 || hasCoveringIndex(table, fk)) continue;
        const columns = fk.columns.join(', ');
        findings.push({
          rule: 'require-fk-index',
          severity,
          objectType: 'foreign key',
          object: `${key}.${fk.name}`,
          message: `foreign key ${fk.name} on ${key} (${columns}) has no index whose leading columns are (${columns})`,
          help: `CREATE INDEX ${quoteIdent(`idx_${table.name}_${fk.columns.join('_')}`)} ON ${qualifiedName(table.schema, table.name)} (${fk.columns.map(quoteIdent).join(', ')});`,
        });
      }
    }
    return findings;
  },
};

/** True when an index of `table` leads with exactly the foreign key's columns. */
export function hasCoveringIndex(table: TableSnapshot, fk: ConstraintSnapshot): boolean {
  const wanted = new Set(fk.columns);
  return table.indexes.some((index) => {
    if (!index.valid || index.predicate !== null || index.keys.length < wanted.size) return false;
    const leading = index.keys.slice(0, wanted.size);
    return leading.every((k) => wanted.has(k)) && new Set(leading).size === wanted.size;
  });
}

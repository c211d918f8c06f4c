import type { CatalogSnapshot } from '../../catalog/types.js';
import { documentedTables, hasComment } from '../coverage.js';
import { qualifiedName, quoteIdent } from '../sql-names.js';
import type { SchemaFinding } from '../types.js';
import type { SchemaRule } from './rule.js';

/** Every table and column carries a comment (`COMMENT ON` in the migration that creates it). */
export const requireComment: SchemaRule = {
  id: 'require-comment',
  configKey: 'requireComment',
  description: 'Every table and column has a comment.',
  check(snapshot: CatalogSnapshot, severity): SchemaFinding[] {
    const findings: SchemaFinding[] = [];
    for (const table of documentedTables(snapshot)) {
      const key = `${table.schema}.${table.name}`;
      const sql = qualifiedName(table.schema, table.name);
      if (!hasComment(table.comment)) {
        findings.push({ rule: 'require-comment', severity, objectType: 'table', object: key, message: `table ${key} has no comment`, help: `COMMENT ON TABLE ${sql} IS '...';` });
      }
      for (const column of table.columns) {
        if (hasComment(column.comment)) continue;
        findings.push({
          rule: 'require-comment',
          severity,
          objectType: 'column',
          object: `${key}.${column.name}`,
          message: `column ${key}.${column.name} has no comment`,
          help: `COMMENT ON COLUMN ${sql}.${quoteIdent(column.name)} IS '...';`,
        });
      }
    }
    return findings;
  },
};

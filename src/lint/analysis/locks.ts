/**
 * The relations a statement locks (beyond the weak locks of plain reads and writes), to know which
 * statements can queue behind other sessions and make those sessions queue behind them.
 */
import type { LintStatement } from '../types.js';
import { rangeVarOfNames, strings, type RangeVar } from './ast.js';
import { droppedObjects } from './new-objects.js';

/** A relation a statement locks; `index` when the name is an index's (its table is locked). */
export interface LockedRelation {
  relation: RangeVar;
  index?: boolean;
}

const DROP_RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE']);
/** DROP TRIGGER / POLICY / RULE name the table before the object. */
const DROP_ON_TABLE = new Set(['OBJECT_TRIGGER', 'OBJECT_POLICY', 'OBJECT_RULE']);
const COMMENT_RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE']);
const RENAME_OF_INDEX = new Set(['OBJECT_INDEX']);

/** The relations `statement` takes a table-level lock on (DDL, maintenance, LOCK, TRUNCATE, ...). */
export function lockedRelations(statement: LintStatement): LockedRelation[] {
  const ast = statement.ast;
  switch (statement.kind) {
    case 'AlterTableStmt':
      return ast.relation ? [{ relation: ast.relation, index: ast.objtype === 'OBJECT_INDEX' }] : [];
    case 'IndexStmt':
    case 'CreateTrigStmt':
    case 'RuleStmt':
    case 'ClusterStmt':
    case 'RefreshMatViewStmt':
      return ast.relation ? [{ relation: ast.relation }] : [];
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      return ast.table ? [{ relation: ast.table }] : [];
    case 'AlterSeqStmt':
      return ast.sequence ? [{ relation: ast.sequence }] : [];
    case 'RenameStmt':
      if (!ast.relation) return [];
      return [{ relation: ast.relation, index: RENAME_OF_INDEX.has(ast.renameType) }];
    case 'DropStmt': {
      if (DROP_RELATIONS.has(ast.removeType)) return droppedObjects(statement).map((relation) => ({ relation }));
      if (ast.removeType === 'OBJECT_INDEX') return droppedObjects(statement).map((relation) => ({ relation, index: true }));
      if (DROP_ON_TABLE.has(ast.removeType)) {
        return ((ast.objects ?? []) as any[]).map((o) => ({ relation: rangeVarOfNames(strings(o?.List?.items).slice(0, -1)) }));
      }
      return [];
    }
    case 'TruncateStmt':
    case 'LockStmt':
      return ((ast.relations ?? []) as any[]).filter((r) => r.RangeVar).map((r) => ({ relation: r.RangeVar }));
    case 'VacuumStmt':
      return ((ast.rels ?? []) as any[]).map((r) => r.VacuumRelation?.relation).filter(Boolean).map((relation) => ({ relation }));
    case 'ReindexStmt':
      if (!ast.relation) return [];
      return [{ relation: ast.relation, index: ast.kind === 'REINDEX_OBJECT_INDEX' }];
    case 'CommentStmt': {
      const names = ast.object?.List ? strings(ast.object.List.items) : [];
      if (COMMENT_RELATIONS.has(ast.objtype)) return [{ relation: rangeVarOfNames(names) }];
      if (ast.objtype === 'OBJECT_COLUMN') return [{ relation: rangeVarOfNames(names.slice(0, -1)) }];
      return [];
    }
    case 'CreateStmt': {
      // Foreign keys lock the referenced table; PARTITION OF and INHERITS lock the parent.
      const out: LockedRelation[] = ((ast.inhRelations ?? []) as any[]).filter((r) => r.RangeVar).map((r) => ({ relation: r.RangeVar }));
      for (const element of ast.tableElts ?? []) {
        const constraints = element.Constraint ? [element.Constraint] : ((element.ColumnDef?.constraints ?? []) as any[]).map((c) => c.Constraint);
        for (const c of constraints) if (c?.contype === 'CONSTR_FOREIGN' && c.pktable) out.push({ relation: c.pktable });
      }
      return out;
    }
    default:
      return [];
  }
}

const LABELS: Record<string, string> = {
  AlterTableStmt: 'ALTER TABLE',
  IndexStmt: 'CREATE INDEX',
  CreateTrigStmt: 'CREATE TRIGGER',
  RuleStmt: 'CREATE RULE',
  ClusterStmt: 'CLUSTER',
  RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW',
  CreatePolicyStmt: 'CREATE POLICY',
  AlterPolicyStmt: 'ALTER POLICY',
  AlterSeqStmt: 'ALTER SEQUENCE',
  RenameStmt: 'RENAME',
  TruncateStmt: 'TRUNCATE',
  LockStmt: 'LOCK TABLE',
  VacuumStmt: 'VACUUM',
  ReindexStmt: 'REINDEX',
  CommentStmt: 'COMMENT ON',
  CreateStmt: 'CREATE TABLE',
};

/** A short name of the statement for messages (`ALTER TABLE`, `DROP INDEX`). */
export function statementLabel(statement: LintStatement): string {
  if (statement.kind === 'DropStmt') return `DROP ${objectWords(statement.ast.removeType)}`;
  if (statement.kind === 'AlterTableStmt' && statement.ast.objtype && statement.ast.objtype !== 'OBJECT_TABLE') return `ALTER ${objectWords(statement.ast.objtype)}`;
  return LABELS[statement.kind] ?? statement.kind.replace(/Stmt$/, '');
}

/** `OBJECT_MATVIEW` → `MATERIALIZED VIEW`, `OBJECT_FOREIGN_TABLE` → `FOREIGN TABLE`. */
function objectWords(objectType: unknown): string {
  return String(objectType ?? '')
    .replace(/^OBJECT_/, '')
    .replace('MATVIEW', 'MATERIALIZED_VIEW')
    .replace(/_/g, ' ');
}

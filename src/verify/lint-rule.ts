import { optionIsOn } from '../sql/options.js';
import type { ParsedStatement } from '../sql/parse.js';

/** What verify saw a statement do to a table that existed before the migration. */
export type Observation = 'rewrite' | 'scan under lock' | 'scan under an earlier lock' | 'brief lock';

/**
 * The pgwarden lint rule that warns about a statement before it ever runs, for what verify
 * observed it doing on a real database. Undefined when no rule covers it.
 */
export function lintRuleFor(statement: ParsedStatement | undefined, observation: Observation): string | undefined {
  if (!statement) return observation === 'brief lock' ? 'require-lock-timeout' : undefined;
  const { kind, ast } = statement;
  if (observation === 'scan under an earlier lock' && (kind === 'UpdateStmt' || kind === 'DeleteStmt')) return 'backfill-in-ddl-transaction';
  if (kind === 'IndexStmt' && !ast.concurrent) return 'require-concurrent-index-creation';
  if (kind === 'DropStmt' && ast.removeType === 'OBJECT_INDEX' && !ast.concurrent) return 'require-concurrent-index-deletion';
  if (kind === 'ReindexStmt' && optionIsOn(ast.params, 'concurrently') !== true) return 'require-concurrent-reindex';
  if (kind === 'ClusterStmt' || (kind === 'VacuumStmt' && optionIsOn(ast.options, 'full') === true)) return 'prefer-repack';
  if (kind === 'AlterDomainStmt' && (ast.subtype === 'C' || ast.subtype === 'O' || ast.subtype === 'V')) return 'ban-alter-domain-with-add-constraint';
  if (kind === 'AlterTableStmt') {
    const commands: any[] = (ast.cmds ?? []).map((c: any) => c.AlterTableCmd ?? {});
    for (const cmd of commands) {
      const rule = ruleForCommand(cmd, observation);
      if (rule) return rule;
    }
  }
  if (observation !== 'brief lock') return undefined;
  if (kind === 'RenameStmt') return ast.renameType === 'OBJECT_COLUMN' ? 'renaming-column' : ast.renameType === 'OBJECT_TABLE' ? 'renaming-table' : 'require-lock-timeout';
  if (kind === 'DropStmt' && ast.removeType === 'OBJECT_TABLE') return 'ban-drop-table';
  return 'require-lock-timeout';
}

function ruleForCommand(cmd: any, observation: Observation): string | undefined {
  const constraint = cmd.def?.Constraint;
  switch (cmd.subtype) {
    case 'AT_AlterColumnType':
      return 'changing-column-type';
    case 'AT_AddColumn': {
      const constraints: any[] = (cmd.def?.ColumnDef?.constraints ?? []).map((c: any) => c.Constraint ?? {});
      if (observation === 'rewrite') return 'adding-field-with-default';
      if (constraints.some((c) => c.contype === 'CONSTR_NOTNULL') && !constraints.some((c) => c.contype === 'CONSTR_DEFAULT')) return 'adding-required-field';
      if (constraints.some((c) => c.contype === 'CONSTR_PRIMARY')) return 'adding-serial-primary-key-field';
      return observation === 'brief lock' ? 'require-lock-timeout' : undefined;
    }
    case 'AT_SetNotNull':
      return 'adding-not-nullable-field';
    case 'AT_AddConstraint':
      if (constraint?.contype === 'CONSTR_FOREIGN') return 'adding-foreign-key-constraint';
      if (constraint?.contype === 'CONSTR_CHECK') return 'constraint-missing-not-valid';
      if (constraint?.contype === 'CONSTR_UNIQUE' || constraint?.contype === 'CONSTR_PRIMARY') return 'disallowed-unique-constraint';
      return undefined;
    case 'AT_DetachPartition':
      return cmd.def?.PartitionCmd?.concurrent ? undefined : 'require-concurrent-partition-detach';
    case 'AT_DropColumn':
      return observation === 'brief lock' ? 'ban-drop-column' : undefined;
    default:
      return undefined;
  }
}

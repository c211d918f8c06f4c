/**
 * Proposing a down section for an up section that has none: each statement that has a mechanical
 * inverse (CREATE -> DROP, ADD COLUMN -> DROP COLUMN, GRANT -> REVOKE, COMMENT -> IS NULL, a rename
 * -> the rename back) gets it, in reverse order. Statements on objects the same section creates
 * need none (dropping the table drops its indexes, comments, triggers and rows). Anything else (a
 * data change, a DROP, ALTER ... SET DEFAULT whose previous value is unknown) has no mechanical
 * inverse and is reported instead.
 */
import { deparseSync, QuoteUtils } from 'pgsql-deparser';
import type { ParsedStatement } from '../sql/parse.js';

/** Objects created by earlier migrations of the folder, so that CREATE OR REPLACE of one is known to replace it. */
export interface KnownObjects {
  functions: Set<string>;
  views: Set<string>;
}

export function knownObjects(): KnownObjects {
  return { functions: new Set(), views: new Set() };
}

/** A statement of the up section that has no mechanical inverse. */
export interface NotInvertible {
  /** The statement, shortened to one line. */
  statement: string;
  /** 1-based line in the up section. */
  line: number;
  reason: string;
}

export interface ProposedDown {
  /** The inverse statements, in the order they must run (without semicolons). */
  statements: string[];
  /** Statements that could not be inverted; when any, the proposal is incomplete. */
  notInvertible: NotInvertible[];
}

const q = (name: string): string => QuoteUtils.quoteIdentifier(name);

function relName(rel: { schemaname?: string; relname: string }): string {
  return rel.schemaname ? `${q(rel.schemaname)}.${q(rel.relname)}` : q(rel.relname);
}

function relKey(rel: { schemaname?: string; relname: string } | undefined): string {
  return rel ? `${rel.schemaname ?? ''}.${rel.relname}` : '';
}

function names(list: any[] | undefined): string[] {
  return (list ?? []).map((n) => n?.String?.sval).filter((s): s is string => typeof s === 'string');
}

function dotted(list: any[] | undefined): string {
  return names(list).map(q).join('.');
}

function nameKey(list: any[] | undefined): string {
  const parts = names(list);
  return parts.length > 1 ? parts.join('.') : `.${parts[0] ?? ''}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

function functionSignature(ast: any): string {
  const args = (ast.parameters ?? [])
    .map((p: any) => p.FunctionParameter)
    .filter((p: any) => !['FUNC_PARAM_OUT', 'FUNC_PARAM_TABLE'].includes(p.mode))
    .map((p: any) => deparseSync({ TypeName: p.argType } as never));
  return `${dotted(ast.funcname)}(${args.join(', ')})`;
}

/** The qualified key (`schema.name` or `.name`) of the relation a COMMENT, GRANT, ... is about, when it is one. */
function commentTarget(ast: any): { kind: string; key: string; table?: string } | undefined {
  const object = ast.object;
  const list = object?.List?.items as any[] | undefined;
  switch (ast.objtype) {
    case 'OBJECT_TABLE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
    case 'OBJECT_SEQUENCE':
    case 'OBJECT_INDEX':
      return list ? { kind: 'relation', key: nameKey(list) } : undefined;
    case 'OBJECT_COLUMN': {
      const parts = names(list);
      const table = parts.slice(0, -1);
      const tableKey = table.length > 1 ? table.join('.') : `.${table[0] ?? ''}`;
      return { kind: 'column', key: `${tableKey}.${parts[parts.length - 1]}`, table: tableKey };
    }
    case 'OBJECT_TYPE':
    case 'OBJECT_DOMAIN': {
      const typeNames = object?.TypeName?.names as any[] | undefined;
      return typeNames ? { kind: 'type', key: nameKey(typeNames.filter((n: any) => n?.String?.sval !== 'pg_catalog')) } : undefined;
    }
    case 'OBJECT_FUNCTION':
    case 'OBJECT_PROCEDURE':
      return { kind: 'function', key: nameKey(object?.ObjectWithArgs?.objname) };
    case 'OBJECT_SCHEMA':
      return { kind: 'schema', key: `.${object?.String?.sval ?? ''}` };
    case 'OBJECT_TRIGGER':
    case 'OBJECT_POLICY':
    case 'OBJECT_TABCONSTRAINT': {
      const parts = names(list);
      const table = parts.slice(0, -1);
      return { kind: 'table-part', key: '', table: table.length > 1 ? table.join('.') : `.${table[0] ?? ''}` };
    }
    default:
      return undefined;
  }
}

/** Inverse of an ALTER TABLE's commands, or the reason one has none. */
function invertAlterTable(ast: any): { sql?: string; reason?: string } {
  const inverses: string[] = [];
  for (const item of ast.cmds ?? []) {
    const cmd = item.AlterTableCmd;
    switch (cmd?.subtype) {
      case 'AT_AddColumn': {
        const col = cmd.def?.ColumnDef?.colname;
        if (!col) return { reason: 'ADD COLUMN without a column name' };
        inverses.push(`DROP COLUMN ${q(col)}`);
        break;
      }
      case 'AT_AddConstraint': {
        const name = cmd.def?.Constraint?.conname;
        if (!name) return { reason: 'the constraint has no name, so down cannot drop it: name it (CONSTRAINT <name> ...)' };
        inverses.push(`DROP CONSTRAINT ${q(name)}`);
        break;
      }
      case 'AT_SetNotNull':
        inverses.push(`ALTER COLUMN ${q(cmd.name)} DROP NOT NULL`);
        break;
      case 'AT_DropNotNull':
        inverses.push(`ALTER COLUMN ${q(cmd.name)} SET NOT NULL`);
        break;
      case 'AT_EnableRowSecurity':
        inverses.push('DISABLE ROW LEVEL SECURITY');
        break;
      case 'AT_DisableRowSecurity':
        inverses.push('ENABLE ROW LEVEL SECURITY');
        break;
      case 'AT_ForceRowSecurity':
        inverses.push('NO FORCE ROW LEVEL SECURITY');
        break;
      case 'AT_NoForceRowSecurity':
        inverses.push('FORCE ROW LEVEL SECURITY');
        break;
      case 'AT_ValidateConstraint':
        // Validating changes no definition: nothing to undo.
        break;
      default:
        return { reason: `ALTER TABLE ${String(cmd?.subtype ?? '?').replace(/^AT_/, '')}: the previous state is not in the migration` };
    }
  }
  if (inverses.length === 0) return { sql: '' };
  return { sql: `ALTER TABLE ${relName(ast.relation)} ${inverses.reverse().join(', ')}` };
}

function invertRename(ast: any): { sql?: string; reason?: string } {
  const schema = ast.relation?.schemaname ? `${q(ast.relation.schemaname)}.` : '';
  switch (ast.renameType) {
    case 'OBJECT_TABLE':
      return { sql: `ALTER TABLE ${schema}${q(ast.newname)} RENAME TO ${q(ast.relation.relname)}` };
    case 'OBJECT_VIEW':
      return { sql: `ALTER VIEW ${schema}${q(ast.newname)} RENAME TO ${q(ast.relation.relname)}` };
    case 'OBJECT_INDEX':
      return { sql: `ALTER INDEX ${schema}${q(ast.newname)} RENAME TO ${q(ast.relation.relname)}` };
    case 'OBJECT_SEQUENCE':
      return { sql: `ALTER SEQUENCE ${schema}${q(ast.newname)} RENAME TO ${q(ast.relation.relname)}` };
    case 'OBJECT_COLUMN':
      return { sql: `ALTER TABLE ${relName(ast.relation)} RENAME COLUMN ${q(ast.newname)} TO ${q(ast.subname)}` };
    case 'OBJECT_TABCONSTRAINT':
      return { sql: `ALTER TABLE ${relName(ast.relation)} RENAME CONSTRAINT ${q(ast.newname)} TO ${q(ast.subname)}` };
    default:
      return { reason: `renaming a ${String(ast.renameType).replace(/^OBJECT_/, '').toLowerCase()} is not inverted mechanically` };
  }
}

/**
 * Proposes the down section of an up section's parsed statements. `known` carries the functions
 * and views created by earlier migrations of the same folder (updated with this one's).
 *
 * @example
 * const down = proposeDown(parseSql('CREATE TABLE t (id int); CREATE INDEX t_id ON t (id);'), knownObjects());
 * // down.statements: ['DROP TABLE t']
 */
export function proposeDown(statements: readonly ParsedStatement[], known: KnownObjects, lineOf: (s: ParsedStatement) => number = () => 1): ProposedDown {
  const createdRelations = new Set<string>();
  const createdTypes = new Set<string>();
  const createdFunctions = new Set<string>();
  const createdSchemas = new Set<string>();
  const addedColumns = new Set<string>();
  const inverses: string[] = [];
  const notInvertible: NotInvertible[] = [];
  const fail = (s: ParsedStatement, reason: string) => notInvertible.push({ statement: oneLine(s.text), line: lineOf(s), reason });
  const onCreated = (rel: any) => createdRelations.has(relKey(rel));

  for (const s of statements) {
    const ast = s.ast ?? {};
    switch (s.kind) {
      case 'CreateStmt':
        createdRelations.add(relKey(ast.relation));
        inverses.push(`DROP TABLE ${relName(ast.relation)}`);
        break;
      case 'CreateTableAsStmt':
        createdRelations.add(relKey(ast.into?.rel));
        inverses.push(`DROP ${ast.objtype === 'OBJECT_MATVIEW' ? 'MATERIALIZED VIEW' : 'TABLE'} ${relName(ast.into.rel)}`);
        break;
      case 'ViewStmt': {
        const key = relKey(ast.view);
        if (ast.replace && known.views.has(key)) {
          fail(s, 'CREATE OR REPLACE VIEW replaces a view an earlier migration created: down must restore its previous definition');
          break;
        }
        createdRelations.add(key);
        known.views.add(key);
        inverses.push(`DROP VIEW ${relName(ast.view)}`);
        break;
      }
      case 'IndexStmt':
        if (onCreated(ast.relation)) break;
        if (!ast.idxname) {
          fail(s, 'the index has no name, so down cannot drop it: name it');
          break;
        }
        inverses.push(`DROP INDEX ${ast.concurrent ? 'CONCURRENTLY ' : ''}${ast.relation?.schemaname ? `${q(ast.relation.schemaname)}.` : ''}${q(ast.idxname)}`);
        break;
      case 'CreateSeqStmt':
        createdRelations.add(relKey(ast.sequence));
        inverses.push(`DROP SEQUENCE ${relName(ast.sequence)}`);
        break;
      case 'CreateEnumStmt':
      case 'CreateRangeStmt':
        createdTypes.add(nameKey(ast.typeName));
        inverses.push(`DROP TYPE ${dotted(ast.typeName)}`);
        break;
      case 'CompositeTypeStmt':
        createdTypes.add(relKey(ast.typevar));
        inverses.push(`DROP TYPE ${relName(ast.typevar)}`);
        break;
      case 'CreateDomainStmt':
        createdTypes.add(nameKey(ast.domainname));
        inverses.push(`DROP DOMAIN ${dotted(ast.domainname)}`);
        break;
      case 'CreateFunctionStmt': {
        const key = nameKey(ast.funcname);
        if (ast.replace && known.functions.has(key)) {
          fail(s, 'CREATE OR REPLACE replaces a function an earlier migration created: down must restore its previous definition');
          break;
        }
        createdFunctions.add(key);
        known.functions.add(key);
        inverses.push(`DROP ${ast.is_procedure ? 'PROCEDURE' : 'FUNCTION'} ${functionSignature(ast)}`);
        break;
      }
      case 'CreateTrigStmt':
        if (onCreated(ast.relation)) break;
        if (ast.replace) {
          fail(s, 'CREATE OR REPLACE TRIGGER may replace an existing trigger');
          break;
        }
        inverses.push(`DROP TRIGGER ${q(ast.trigname)} ON ${relName(ast.relation)}`);
        break;
      case 'CreatePolicyStmt':
        if (onCreated(ast.table)) break;
        inverses.push(`DROP POLICY ${q(ast.policy_name)} ON ${relName(ast.table)}`);
        break;
      case 'CreateExtensionStmt':
        inverses.push(`DROP EXTENSION ${q(ast.extname)}`);
        break;
      case 'CreateSchemaStmt':
        createdSchemas.add(ast.schemaname);
        inverses.push(`DROP SCHEMA ${q(ast.schemaname)}${(ast.schemaElts ?? []).length > 0 ? ' CASCADE' : ''}`);
        break;
      case 'AlterTableStmt': {
        if (ast.objtype && ast.objtype !== 'OBJECT_TABLE') {
          fail(s, `ALTER ${String(ast.objtype).replace(/^OBJECT_/, '')}: the previous state is not in the migration`);
          break;
        }
        if (onCreated(ast.relation)) break;
        for (const item of ast.cmds ?? []) {
          const col = item.AlterTableCmd?.subtype === 'AT_AddColumn' ? item.AlterTableCmd.def?.ColumnDef?.colname : undefined;
          if (col) addedColumns.add(`${relKey(ast.relation)}.${col}`);
        }
        const inverse = invertAlterTable(ast);
        if (inverse.reason) fail(s, inverse.reason);
        else if (inverse.sql) inverses.push(inverse.sql);
        break;
      }
      case 'RenameStmt': {
        const inverse = invertRename(ast);
        if (inverse.reason) fail(s, inverse.reason);
        else inverses.push(inverse.sql!);
        break;
      }
      case 'CommentStmt': {
        const target = commentTarget(ast);
        if (target) {
          if (target.kind === 'relation' && createdRelations.has(target.key)) break;
          if ((target.kind === 'column' || target.kind === 'table-part') && target.table && createdRelations.has(target.table)) break;
          if (target.kind === 'column' && addedColumns.has(target.key)) break;
          if (target.kind === 'type' && createdTypes.has(target.key)) break;
          if (target.kind === 'function' && createdFunctions.has(target.key)) break;
          if (target.kind === 'schema' && createdSchemas.has(target.key.slice(1))) break;
        }
        const { comment: _comment, ...rest } = ast;
        // Assumes the object had no comment before this migration (a comment that was replaced cannot be known here).
        inverses.push(deparseSync({ CommentStmt: rest } as never).replace(/;$/, ''));
        break;
      }
      case 'GrantStmt': {
        const objects = (ast.objects ?? []).map((o: any) => o.RangeVar).filter(Boolean);
        if (ast.targtype === 'ACL_TARGET_OBJECT' && ast.objtype === 'OBJECT_TABLE' && objects.length > 0 && objects.every((o: any) => onCreated(o))) break;
        inverses.push(deparseSync({ GrantStmt: { ...ast, is_grant: !ast.is_grant, ...(ast.is_grant ? {} : { grant_option: false }) } } as never).replace(/;$/, ''));
        break;
      }
      case 'GrantRoleStmt':
        inverses.push(deparseSync({ GrantRoleStmt: { ...ast, is_grant: !ast.is_grant } } as never).replace(/;$/, ''));
        break;
      case 'InsertStmt':
      case 'UpdateStmt':
      case 'DeleteStmt':
        // Rows of a table this section creates go with the table.
        if (onCreated(ast.relation)) break;
        fail(s, 'a data change: only a person knows how to undo it');
        break;
      case 'VariableSetStmt':
        // SET affects the session only.
        break;
      case 'DropStmt':
        fail(s, 'DROP: down would have to recreate what was dropped');
        break;
      default:
        fail(s, `${s.kind.replace(/Stmt$/, '')}: no mechanical inverse`);
    }
  }
  return { statements: inverses.filter((x) => x.length > 0).reverse(), notInvertible };
}

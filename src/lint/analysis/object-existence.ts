/**
 * Which objects a statement creates and which it needs to exist, and what the history says about
 * each at that point (model/existence.ts): for create-existing-object (a CREATE of an object that
 * is already there) and missing-object (a DROP, ALTER or RENAME of one that is not). Both answer
 * only where the model is certain; anything it cannot vouch for is left alone.
 */
import { certainlyAbsent, certainlyPresent, columnKey, memberKey, traceKey, uncertaintySince, type Namespace, type Trace } from '../model/existence.js';
import { hasNonVolatileBuiltin } from './non-volatile-functions.js';
import { readsTemporary } from '../model/apply-objects.js';
import { listName, objectName, rangeVarName, stringList } from '../model/names.js';
import { inputTypes, matchingSignatures, routineKey, writtenSignature } from '../model/routines.js';
import type { Schema, TableState, TypeState } from '../model/schema.js';
import type { LintStatement, SchemaModel } from '../types.js';

/** An object as a statement names it. */
export interface NamedObject {
  ns: Namespace;
  /** What the statement calls it: `table`, `index`, `type`, `column`, ... */
  kind: string;
  /** Schema as written (relations, types). */
  schema?: string | undefined;
  name: string;
  /**
   * What it belongs to, as written: a column's, constraint's, trigger's or policy's table (a
   * constraint's index: its table), a label's enum.
   */
  relation?: { schema: string | undefined; name: string };
  /** What the statement does to it, for messages in down sections: `drops`, `alters`, ... */
  verb: string;
  /** A routine's signature (`f(int4,text)`). */
  signature?: string;
  /** A NOT NULL constraint: PostgreSQL keeps its name from version 18 on. */
  notNull?: boolean;
}

/** A rename or SET SCHEMA: the object's new name must be free. */
interface NewName {
  from: NamedObject;
  /** The new name: in `schema`, or in the schema the object is in. */
  to: { schema?: string; name: string };
  /** The namespaces the new name must be free in besides the object's own (a table's row type is a type). */
  alsoTypes: boolean;
}

export interface StatementObjects {
  creates: Array<NamedObject & { alsoTypes?: boolean }>;
  needs: NamedObject[];
  renames: NewName[];
}

const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast']);

const NONE: ReadonlySet<string> = new Set();

function isSystemSchema(schema: string): boolean {
  return SYSTEM_SCHEMAS.has(schema) || schema.startsWith('pg_temp') || schema.startsWith('pg_toast_temp');
}

const RELATION_KIND: Record<string, string> = {
  OBJECT_TABLE: 'table',
  OBJECT_FOREIGN_TABLE: 'foreign table',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized view',
  OBJECT_INDEX: 'index',
  OBJECT_SEQUENCE: 'sequence',
};

const TYPE_KIND: Record<string, string> = { OBJECT_TYPE: 'type', OBJECT_DOMAIN: 'domain' };

/** The ALTER TABLE subcommands that name an existing column (`cmd.name`). */
const COLUMN_COMMANDS = new Set([
  'AT_ColumnDefault',
  'AT_DropNotNull',
  'AT_SetNotNull',
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetStorage',
  'AT_SetCompression',
  'AT_DropColumn',
  'AT_AlterColumnType',
  'AT_AddIdentity',
  'AT_SetIdentity',
  'AT_DropIdentity',
  'AT_DropExpression',
  'AT_SetExpression',
]);

function relation(rangeVar: any, kind: string, verb: string): NamedObject {
  const { schema, name } = rangeVarName(rangeVar);
  return { ns: 'rel', kind, schema, name, verb };
}

function dotted(parts: string[], ns: Namespace, kind: string, verb: string): NamedObject {
  const { schema, name } = listName(parts);
  return { ns, kind, schema, name, verb };
}

function column(rel: NamedObject, name: string, verb: string): NamedObject {
  return { ns: 'col', kind: 'column', name, relation: { schema: rel.schema, name: rel.name }, verb };
}

/**
 * The indexes named constraints create: a primary key, unique or exclusion constraint's index takes
 * the constraint's name, in its table's schema (`USING INDEX` renames the index to it).
 */
function constraintIndexes(rel: NamedObject, constraints: any[]): NamedObject[] {
  const out: NamedObject[] = [];
  for (const c of constraints) {
    if (!c?.conname || !['CONSTR_PRIMARY', 'CONSTR_UNIQUE', 'CONSTR_EXCLUSION'].includes(c.contype) || c.indexname === c.conname) continue;
    out.push({ ns: 'rel', kind: 'constraint', schema: rel.schema, name: c.conname, verb: 'creates', relation: { schema: rel.schema, name: rel.name } });
  }
  return out;
}

/** The constraints of a column definition. */
function columnConstraints(def: any): any[] {
  return (def?.constraints ?? []).map((n: any) => n.Constraint);
}

const NAMED_CONSTRAINTS = new Set(['CONSTR_PRIMARY', 'CONSTR_UNIQUE', 'CONSTR_EXCLUSION', 'CONSTR_CHECK', 'CONSTR_FOREIGN', 'CONSTR_NOTNULL']);

/** The names constraints take on their table (every kind's, unlike their index's). */
function namedConstraints(rel: NamedObject, constraints: any[]): NamedObject[] {
  const out: NamedObject[] = [];
  for (const c of constraints) {
    if (!c?.conname || !NAMED_CONSTRAINTS.has(c.contype)) continue;
    out.push({ ns: 'con', kind: 'constraint', name: c.conname, verb: 'adds', relation: { schema: rel.schema, name: rel.name }, ...(c.contype === 'CONSTR_NOTNULL' ? { notNull: true } : {}) });
  }
  return out;
}

/** A constraint, trigger or policy of a table. */
function member(ns: 'con' | 'trg' | 'pol', rel: NamedObject, name: string, verb: string): NamedObject {
  return { ns, kind: ns === 'con' ? 'constraint' : ns === 'trg' ? 'trigger' : 'policy', name, relation: { schema: rel.schema, name: rel.name }, verb };
}

/** The routine an ObjectWithArgs names, when its argument types are written out and mean what they say. */
function routine(owa: any, kind: string, verb: string): NamedObject | undefined {
  if (!owa || owa.args_unspecified) return undefined;
  const { schema, name } = listName(stringList(owa.objname));
  const signature = writtenSignature(name, owa.objargs ?? []);
  return signature === undefined ? undefined : { ns: 'fn', kind, schema, name, signature, verb };
}

const ROUTINE_KIND: Record<string, string> = { OBJECT_FUNCTION: 'function', OBJECT_PROCEDURE: 'procedure', OBJECT_ROUTINE: 'routine' };

/** COMMENT ON a constraint, trigger or policy of a table. */
const MEMBER_COMMENTS: Record<string, 'con' | 'trg' | 'pol'> = { OBJECT_TABCONSTRAINT: 'con', OBJECT_TRIGGER: 'trg', OBJECT_POLICY: 'pol' };

/** ALTER TABLE subcommands that name a trigger of the table. */
const TRIGGER_COMMANDS = new Set(['AT_EnableTrig', 'AT_EnableAlwaysTrig', 'AT_EnableReplicaTrig', 'AT_DisableTrig']);

/** The last statement statementObjects read, and what it found: both rules ask about each statement in turn. */
let last: { statement: LintStatement; objects: StatementObjects } | undefined;

/** What a statement creates, needs and renames, as written. */
export function statementObjects(statement: LintStatement): StatementObjects {
  if (last?.statement !== statement) last = { statement, objects: readObjects(statement) };
  return last.objects;
}

function readObjects(statement: LintStatement): StatementObjects {
  const out: StatementObjects = { creates: [], needs: [], renames: [] };
  const { kind, ast } = statement;
  const temp = (rv: any) => rv?.relpersistence === 't';
  switch (kind) {
    case 'CreateStmt': {
      if (ast.if_not_exists || temp(ast.relation)) break;
      const table = relation(ast.relation, 'table', 'creates');
      out.creates.push({ ...table, alsoTypes: true });
      const elements: any[] = ast.tableElts ?? [];
      out.creates.push(...constraintIndexes(table, [...elements.map((e) => e.Constraint), ...elements.flatMap((e) => columnConstraints(e.ColumnDef))]));
      break;
    }
    case 'CreateForeignTableStmt':
      if (!ast.base?.if_not_exists) out.creates.push({ ...relation(ast.base?.relation, 'foreign table', 'creates'), alsoTypes: true });
      break;
    case 'CreateTableAsStmt':
      if (!ast.if_not_exists && !temp(ast.into?.rel)) out.creates.push({ ...relation(ast.into?.rel, ast.objtype === 'OBJECT_MATVIEW' ? 'materialized view' : 'table', 'creates'), alsoTypes: true });
      break;
    case 'ViewStmt':
      if (!ast.replace && !temp(ast.view)) out.creates.push({ ...relation(ast.view, 'view', 'creates'), alsoTypes: true });
      break;
    case 'CreateSeqStmt':
      if (!ast.if_not_exists && !temp(ast.sequence)) out.creates.push({ ...relation(ast.sequence, 'sequence', 'creates'), alsoTypes: true });
      break;
    case 'IndexStmt': {
      const table = relation(ast.relation, 'table', 'indexes');
      out.needs.push(table);
      // An index is created in its table's schema.
      if (ast.idxname && !ast.if_not_exists) out.creates.push({ ns: 'rel', kind: 'index', schema: table.schema, name: ast.idxname, verb: 'creates', relation: { schema: table.schema, name: table.name } });
      for (const param of [...(ast.indexParams ?? []), ...(ast.indexIncludingParams ?? [])]) {
        if (param.IndexElem?.name) out.needs.push(column(table, param.IndexElem.name, 'indexes'));
      }
      break;
    }
    case 'CreateEnumStmt':
      out.creates.push(dotted(stringList(ast.typeName), 'type', 'type', 'creates'));
      break;
    case 'CompositeTypeStmt':
      // A composite type is a relation too (pg_class): its name must be free of indexes and sequences as well.
      out.creates.push({ ...relation(ast.typevar, 'type', 'creates'), alsoTypes: true });
      break;
    case 'CreateDomainStmt':
      out.creates.push(dotted(stringList(ast.domainname), 'type', 'domain', 'creates'));
      break;
    case 'CreateRangeStmt':
      out.creates.push(dotted(stringList(ast.typeName), 'type', 'type', 'creates'));
      break;
    case 'CreateSchemaStmt':
      if (ast.schemaname && !ast.if_not_exists) out.creates.push({ ns: 'schema', kind: 'schema', name: ast.schemaname, verb: 'creates' });
      break;
    case 'DropStmt': {
      if (ast.missing_ok) break;
      const relKind = RELATION_KIND[ast.removeType];
      const typeKind = TYPE_KIND[ast.removeType];
      const routineKind = ROUTINE_KIND[ast.removeType];
      for (const object of ast.objects ?? []) {
        if (routineKind) {
          const target = routine(object.ObjectWithArgs, routineKind, 'drops');
          if (target) out.needs.push(target);
          continue;
        }
        const parts = objectName(object);
        if (relKind) out.needs.push(dotted(parts, 'rel', relKind, 'drops'));
        else if (typeKind) out.needs.push(dotted(parts, 'type', typeKind, 'drops'));
        else if (ast.removeType === 'OBJECT_SCHEMA' && parts.length === 1) out.needs.push({ ns: 'schema', kind: 'schema', name: parts[0]!, verb: 'drops' });
        else if (ast.removeType === 'OBJECT_EXTENSION' && parts.length === 1) out.needs.push({ ns: 'ext', kind: 'extension', name: parts[0]!, verb: 'drops' });
        else if ((ast.removeType === 'OBJECT_TRIGGER' || ast.removeType === 'OBJECT_POLICY') && parts.length >= 2) {
          const name = parts.pop()!;
          const rel = dotted(parts, 'rel', 'table', 'drops a member of');
          out.needs.push(rel, member(ast.removeType === 'OBJECT_TRIGGER' ? 'trg' : 'pol', rel, name, 'drops'));
        }
      }
      break;
    }
    case 'AlterTableStmt': {
      const relKind = RELATION_KIND[ast.objtype ?? 'OBJECT_TABLE'];
      if (!relKind) break;
      const rel = relation(ast.relation, relKind, 'alters');
      if (!ast.missing_ok) out.needs.push(rel);
      if (relKind !== 'table') break;
      // Within one ALTER TABLE, a column another subcommand adds or drops counts as there (or not) for all of them.
      const commands = ((ast.cmds ?? []) as any[]).map((c) => c.AlterTableCmd).filter(Boolean);
      const added = commands.length > 1 ? new Set(commands.filter((c) => c.subtype === 'AT_AddColumn').map((c) => c.def?.ColumnDef?.colname)) : NONE;
      const dropped = commands.length > 1 ? new Set(commands.filter((c) => c.subtype === 'AT_DropColumn').map((c) => c.name)) : NONE;
      // A constraint's name (and its index's) may be freed by a DROP COLUMN or DROP CONSTRAINT of the same statement.
      const freesNames = commands.some((c) => c.subtype === 'AT_DropColumn' || c.subtype === 'AT_DropConstraint');
      // A constraint another subcommand adds counts as there for all of them.
      const addsConstraints = commands.length > 1 ? new Set(commands.filter((c) => c.subtype === 'AT_AddConstraint').map((c) => c.def?.Constraint?.conname)) : NONE;
      for (const cmd of commands) {
        if (!freesNames && (cmd.subtype === 'AT_AddConstraint' || cmd.subtype === 'AT_AddColumn')) {
          const constraints = cmd.subtype === 'AT_AddConstraint' ? [cmd.def?.Constraint] : columnConstraints(cmd.def?.ColumnDef);
          out.creates.push(...constraintIndexes(rel, constraints), ...namedConstraints(rel, constraints));
        }
        if ((cmd.subtype === 'AT_DropConstraint' || cmd.subtype === 'AT_ValidateConstraint') && typeof cmd.name === 'string' && !cmd.missing_ok && !addsConstraints.has(cmd.name)) {
          out.needs.push(member('con', rel, cmd.name, cmd.subtype === 'AT_DropConstraint' ? 'drops' : 'validates'));
        } else if (TRIGGER_COMMANDS.has(cmd.subtype) && typeof cmd.name === 'string') {
          out.needs.push(member('trg', rel, cmd.name, cmd.subtype === 'AT_DisableTrig' ? 'disables' : 'enables'));
        }
        if (cmd.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef?.colname && !cmd.missing_ok && !dropped.has(cmd.def.ColumnDef.colname)) {
          out.creates.push(column(rel, cmd.def.ColumnDef.colname, 'adds'));
        } else if (COLUMN_COMMANDS.has(cmd.subtype) && typeof cmd.name === 'string' && !cmd.missing_ok && !added.has(cmd.name)) {
          out.needs.push(column(rel, cmd.name, cmd.subtype === 'AT_DropColumn' ? 'drops' : 'alters'));
        }
      }
      break;
    }
    case 'RenameStmt': {
      const relKind = RELATION_KIND[ast.renameType];
      if (relKind && ast.relation) {
        const from = relation(ast.relation, relKind, 'renames');
        if (!ast.missing_ok) out.needs.push(from);
        out.renames.push({ from, to: { name: ast.newname }, alsoTypes: relKind !== 'index' && relKind !== 'sequence' });
      } else if (ast.renameType === 'OBJECT_COLUMN' && ast.relation) {
        const rel = relation(ast.relation, RELATION_KIND[ast.relationType] ?? 'table', 'renames');
        if (!ast.missing_ok) out.needs.push(rel);
        out.needs.push(column(rel, ast.subname, 'renames'));
        out.creates.push(column(rel, ast.newname, 'renames a column to'));
      } else if (ast.renameType === 'OBJECT_TABCONSTRAINT' && ast.relation) {
        const rel = relation(ast.relation, 'table', 'renames a constraint of');
        if (!ast.missing_ok) out.needs.push(rel);
        const from = member('con', rel, ast.subname, 'renames');
        out.needs.push(from);
        out.renames.push({ from, to: { name: ast.newname }, alsoTypes: false });
      } else if ((ast.renameType === 'OBJECT_TRIGGER' || ast.renameType === 'OBJECT_POLICY') && ast.relation) {
        const rel = relation(ast.relation, 'table', 'renames a member of');
        const from = member(ast.renameType === 'OBJECT_TRIGGER' ? 'trg' : 'pol', rel, ast.subname, 'renames');
        out.needs.push(rel, from);
        out.renames.push({ from, to: { name: ast.newname }, alsoTypes: false });
      } else if (ROUTINE_KIND[ast.renameType]) {
        const from = routine(ast.object?.ObjectWithArgs, ROUTINE_KIND[ast.renameType]!, 'renames');
        if (from) {
          out.needs.push(from);
          out.renames.push({ from, to: { name: ast.newname }, alsoTypes: false });
        }
      } else if (TYPE_KIND[ast.renameType]) {
        const from = dotted(objectName(ast.object), 'type', TYPE_KIND[ast.renameType]!, 'renames');
        if (!ast.missing_ok) out.needs.push(from);
        out.renames.push({ from, to: { name: ast.newname }, alsoTypes: false });
      } else if (ast.renameType === 'OBJECT_SCHEMA' && ast.subname) {
        const from: NamedObject = { ns: 'schema', kind: 'schema', name: ast.subname, verb: 'renames' };
        if (!ast.missing_ok) out.needs.push(from);
        out.renames.push({ from, to: { name: ast.newname }, alsoTypes: false });
      }
      break;
    }
    case 'AlterObjectSchemaStmt': {
      const relKind = RELATION_KIND[ast.objectType];
      const typeKind = TYPE_KIND[ast.objectType];
      let from: NamedObject | undefined;
      if (relKind && ast.relation) from = relation(ast.relation, relKind, 'moves');
      else if (typeKind) from = dotted(objectName(ast.object), 'type', typeKind, 'moves');
      else if (ROUTINE_KIND[ast.objectType]) from = routine(ast.object?.ObjectWithArgs, ROUTINE_KIND[ast.objectType]!, 'moves');
      if (!from) break;
      if (!ast.missing_ok) out.needs.push(from);
      out.renames.push({ from, to: { schema: ast.newschema, name: from.name }, alsoTypes: relKind !== undefined && relKind !== 'sequence' && relKind !== 'index' });
      break;
    }
    case 'AlterSeqStmt':
      if (!ast.missing_ok) out.needs.push(relation(ast.sequence, 'sequence', 'alters'));
      break;
    case 'AlterEnumStmt': {
      const type = dotted(stringList(ast.typeName), 'type', 'type', 'alters');
      out.needs.push(type);
      const label = (name: string, verb: string): NamedObject => ({ ns: 'label', kind: 'label', name, relation: { schema: type.schema, name: type.name }, verb });
      if (ast.oldVal !== undefined) {
        const from = label(ast.oldVal, 'renames');
        out.needs.push(from);
        out.renames.push({ from, to: { name: ast.newVal }, alsoTypes: false });
      } else if (!ast.skipIfNewValExists) {
        out.creates.push(label(ast.newVal, 'adds'));
        if (ast.newValNeighbor !== undefined) out.needs.push(label(ast.newValNeighbor, ast.newValIsAfter ? 'adds a label after' : 'adds a label before'));
      }
      break;
    }
    case 'CreateExtensionStmt':
      if (!ast.if_not_exists) out.creates.push({ ns: 'ext', kind: 'extension', name: ast.extname, verb: 'creates' });
      break;
    case 'AlterExtensionStmt':
    case 'AlterExtensionContentsStmt':
      out.needs.push({ ns: 'ext', kind: 'extension', name: ast.extname, verb: 'alters' });
      break;
    case 'CreateFunctionStmt': {
      if (ast.replace) break;
      const { schema, name } = listName(stringList(ast.funcname));
      const signature = writtenSignature(name, inputTypes(ast.parameters));
      if (signature !== undefined) out.creates.push({ ns: 'fn', kind: ast.is_procedure ? 'procedure' : 'function', schema, name, signature, verb: 'creates' });
      break;
    }
    case 'AlterFunctionStmt': {
      const target = routine(ast.func, ROUTINE_KIND[ast.objtype] ?? 'function', 'alters');
      if (target) out.needs.push(target);
      break;
    }
    case 'CreateTrigStmt':
      if (!ast.replace && ast.relation) out.creates.push(member('trg', relation(ast.relation, 'table', 'creates'), ast.trigname, 'creates'));
      break;
    case 'CreatePolicyStmt':
      if (ast.table) out.creates.push(member('pol', relation(ast.table, 'table', 'creates'), ast.policy_name, 'creates'));
      break;
    case 'AlterPolicyStmt':
      if (ast.table) {
        const rel = relation(ast.table, 'table', 'alters a policy of');
        out.needs.push(rel, member('pol', rel, ast.policy_name, 'alters'));
      }
      break;
    case 'AlterDomainStmt':
      out.needs.push(dotted(stringList(ast.typeName), 'type', 'domain', 'alters'));
      break;
    case 'CommentStmt': {
      const parts = objectName(ast.object);
      const relKind = RELATION_KIND[ast.objtype];
      if (relKind) out.needs.push(dotted(parts, 'rel', relKind, 'comments on'));
      else if (TYPE_KIND[ast.objtype]) out.needs.push(dotted(parts, 'type', TYPE_KIND[ast.objtype]!, 'comments on'));
      else if (ast.objtype === 'OBJECT_SCHEMA' && parts.length === 1) out.needs.push({ ns: 'schema', kind: 'schema', name: parts[0]!, verb: 'comments on' });
      else if (ast.objtype === 'OBJECT_EXTENSION' && parts.length === 1) out.needs.push({ ns: 'ext', kind: 'extension', name: parts[0]!, verb: 'comments on' });
      else if (ROUTINE_KIND[ast.objtype]) {
        const target = routine(ast.object?.ObjectWithArgs, ROUTINE_KIND[ast.objtype]!, 'comments on');
        if (target) out.needs.push(target);
      } else if (MEMBER_COMMENTS[ast.objtype] && parts.length >= 2) {
        const name = parts.pop()!;
        const rel = dotted(parts, 'rel', 'table', 'comments on');
        out.needs.push(rel, member(MEMBER_COMMENTS[ast.objtype]!, rel, name, 'comments on'));
      } else if (ast.objtype === 'OBJECT_COLUMN' && parts.length >= 2) {
        const col = parts.pop()!;
        const rel = dotted(parts, 'rel', 'table', 'comments on');
        out.needs.push(rel);
        out.needs.push(column(rel, col, 'comments on'));
      }
      break;
    }
    default:
      break;
  }
  return out;
}

/** A name a statement gives a second time: Postgres refuses the statement, whatever the history. */
export interface GivenTwice {
  object: NamedObject;
  /** What it is, for messages: `column a of table orders`. */
  what: string;
  /** Where the second one is (the parse tree's location), when the tree says. */
  location?: number;
}

/** A relation as written, for messages. */
function writtenName(rel: { schema?: string | undefined; name: string }): string {
  return rel.schema === undefined ? rel.name : `${rel.schema}.${rel.name}`;
}

/** Named constraints (NOT NULL aside: its name counts only from PostgreSQL 18 on) given a second time. */
function constraintsTwice(rel: NamedObject, constraints: any[], out: GivenTwice[]): void {
  const seen = new Set<string>();
  for (const c of constraints) {
    if (!c?.conname || !NAMED_CONSTRAINTS.has(c.contype) || c.contype === 'CONSTR_NOTNULL') continue;
    if (seen.has(c.conname)) {
      out.push({ object: member('con', rel, c.conname, 'adds'), what: `constraint ${c.conname} of table ${writtenName(rel)}`, ...(typeof c.location === 'number' ? { location: c.location } : {}) });
    } else seen.add(c.conname);
  }
}

/**
 * Names one statement gives twice, which Postgres refuses: two `ADD COLUMN` of a name in one `ALTER
 * TABLE` (the later one without `IF NOT EXISTS`), two constraints of a name in one `CREATE TABLE`
 * or `ALTER TABLE`, a label twice in `CREATE TYPE ... AS ENUM`. A column defined twice in `CREATE
 * TABLE` is ban-duplicate-column-assignments'. Each is reported at its second occurrence.
 */
export function givenTwice(statement: LintStatement): GivenTwice[] {
  const out: GivenTwice[] = [];
  const { kind, ast } = statement;
  switch (kind) {
    case 'CreateStmt': {
      // With IF NOT EXISTS, Postgres skips the statement when the table is there.
      if (ast.if_not_exists) break;
      const table = relation(ast.relation, 'table', 'creates');
      const elements: any[] = ast.tableElts ?? [];
      const constraints = elements.flatMap((e) => (e.Constraint ? [e.Constraint] : columnConstraints(e.ColumnDef)));
      constraintsTwice(table, constraints, out);
      break;
    }
    case 'AlterTableStmt': {
      // With IF EXISTS, Postgres skips the statement when the table is not there.
      if ((ast.objtype ?? 'OBJECT_TABLE') !== 'OBJECT_TABLE' || ast.missing_ok) break;
      const rel = relation(ast.relation, 'table', 'alters');
      const commands = ((ast.cmds ?? []) as any[]).map((c) => c.AlterTableCmd).filter(Boolean);
      if (commands.length < 2) break;
      // A DROP COLUMN runs before the ADD COLUMNs (another pass of ALTER TABLE): stay out of it.
      const dropped = new Set(commands.filter((c) => c.subtype === 'AT_DropColumn').map((c) => c.name));
      const added = new Set<string>();
      for (const cmd of commands) {
        const def = cmd.subtype === 'AT_AddColumn' ? cmd.def?.ColumnDef : undefined;
        if (typeof def?.colname !== 'string') continue;
        // ADD COLUMN IF NOT EXISTS of a name an earlier subcommand adds is skipped, with a notice.
        if (added.has(def.colname) && !cmd.missing_ok && !dropped.has(def.colname)) {
          out.push({ object: column(rel, def.colname, 'adds'), what: `column ${def.colname} of table ${writtenName(rel)}`, ...(typeof def.location === 'number' ? { location: def.location } : {}) });
        }
        added.add(def.colname);
      }
      // A DROP CONSTRAINT frees only a name the table had: two constraints the statement adds still clash.
      // An ADD COLUMN IF NOT EXISTS that Postgres skips adds none of its column's constraints: leave those out.
      const constraints = commands.flatMap((c) => (c.subtype === 'AT_AddConstraint' ? [c.def?.Constraint] : c.subtype === 'AT_AddColumn' && !c.missing_ok ? columnConstraints(c.def?.ColumnDef) : []));
      constraintsTwice(rel, constraints, out);
      break;
    }
    case 'CreateEnumStmt': {
      const type = dotted(stringList(ast.typeName), 'type', 'type', 'creates');
      const seen = new Set<string>();
      for (const label of stringList(ast.vals)) {
        if (seen.has(label)) out.push({ object: { ns: 'label', kind: 'label', name: label, relation: { schema: type.schema, name: type.name }, verb: 'creates' }, what: `label '${label}' of enum ${writtenName(type)}` });
        else seen.add(label);
      }
      break;
    }
    default:
      break;
  }
  return out;
}

// ---- What the model says ---------------------------------------------------------------------

/** Sequences have no row type (no pg_type entry) from PostgreSQL 14 on; before, a type could not take a sequence's name. */
const SEQUENCES_WITHOUT_ROW_TYPE = 14;

/** PostgreSQL keeps NOT NULL constraints, with their names, from version 18 on. */
const NAMED_NOT_NULL = 18;

/** The kind of the relation the model has under exactly `key`, if any. */
function relationAt(s: Schema, key: string): string | undefined {
  if (s.tableMap.has(key)) return 'table';
  const view = s.viewMap.get(key);
  if (view) return view.kind;
  if (s.indexMap.has(key)) return 'index';
  if (s.sequences.has(key)) return 'sequence';
  if (s.types.get(key)?.kind === 'composite') return 'type';
  return undefined;
}

/** The kind of the type the model has under exactly `key` (shell types aside), if any. */
function typeAt(s: Schema, key: string): string | undefined {
  const type = s.types.get(key);
  if (!type || type.kind === 'base') return undefined;
  return type.kind === 'composite' ? 'type' : type.kind;
}

/** Whether the model has something of that name (resolved as it resolves names: loosely). */
function resolves(s: Schema, object: NamedObject): boolean {
  const { schema, name } = object;
  switch (object.ns) {
    case 'rel':
      return [s.tableMap, s.viewMap, s.indexMap, s.sequences].some((map) => s.resolveName(map, name, schema) !== undefined) || s.resolveName(s.types, name, schema) !== undefined;
    case 'type':
      return s.resolveName(s.types, name, schema) !== undefined || s.resolveName(s.tableMap, name, schema) !== undefined || s.resolveName(s.viewMap, name, schema) !== undefined;
    case 'schema':
      return s.schemas.has(name);
    case 'ext':
      return s.extensions.has(name);
    default:
      return true;
  }
}

/** The exact key an object's name stands for, when the model is sure of it (schema written, or the default search path). */
function exactKey(s: Schema, schema: string | undefined, name: string): string | undefined {
  if (schema !== undefined) return isSystemSchema(schema) ? undefined : `${schema}.${name}`;
  return s.defaultPathCertain() ? `public.${name}` : undefined;
}

/**
 * The exact key a reference to an existing relation or type stands for. Unlike a new object's
 * name, an unqualified one may also mean a temporary relation an earlier migration left.
 */
function referenceKey(s: Schema, schema: string | undefined, name: string): string | undefined {
  if (schema === undefined && s.maybeTemp?.has(name)) return undefined;
  return exactKey(s, schema, name);
}

/** The table a column's relation names, if the model has one. */
function tableOf(s: Schema, rel: { schema: string | undefined; name: string }): TableState | undefined {
  const key = s.resolveName(s.tableMap, rel.name, rel.schema);
  return key === undefined ? undefined : s.tableMap.get(key);
}

/** Whether the name certainly means that table, one the model follows (not temporary, not placed by a guess). */
function certainTable(s: Schema, table: TableState, rel: { schema: string | undefined; name: string }): boolean {
  if (rel.schema === undefined && table.qualified !== referenceKey(s, undefined, rel.name)) return false;
  return !s.traces.get(traceKey('rel', table.qualified))?.unsure;
}

/** Whether the model knows all the columns of a table for sure (and that the name means it). */
function knowsColumns(s: Schema, table: TableState, rel: { schema: string | undefined; name: string }): boolean {
  return table.columnsComplete && certainTable(s, table, rel);
}

function tableNames(table: TableState): string[] {
  return [table.name, ...(table.formerNames ?? [])];
}

/** An enum a label's statement names, when the model created it and is sure the name means it: its key, state and names. */
function enumOf(s: Schema, rel: { schema: string | undefined; name: string }): { key: string; type: TypeState; names: string[] } | undefined {
  const key = s.resolveName(s.types, rel.name, rel.schema);
  const type = key === undefined ? undefined : s.types.get(key);
  if (!key || type?.kind !== 'enum' || !type.born) return undefined;
  if (rel.schema === undefined && key !== referenceKey(s, undefined, rel.name)) return undefined;
  if (s.traces.get(traceKey('type', key))?.unsure) return undefined;
  return { key, type, names: [bareName(key), ...(type.formerNames ?? [])] };
}

/** An object that exists for certain where a statement creates it: its key, kind and trace. */
export interface Conflict {
  object: NamedObject;
  key: string;
  /** The kind of what is there. */
  kind: string;
  trace: Trace;
  /** What is there, for messages, when `<kind> <key>` does not say it: `constraint c of table public.t`. */
  what?: string;
  /** Columns that came with their table: the table. */
  table?: string;
  /** For a rename: the object renamed, by its key (or as messages say it). */
  renamed?: string;
  /** For a rename: the new name, as messages say it (default: the key). */
  target?: string;
}

/** A column's trace, or its table's birth when it came with the table. */
function columnOrigin(s: Schema, table: TableState, col: string): Trace | undefined {
  const own = s.traces.get(traceKey('col', columnKey(table.born.at, col)));
  if (own) return own;
  return { present: true, kind: 'column', at: table.born.at, where: table.born.where, how: 'created', other: `table ${table.qualified}` };
}

/** A label's trace, or its enum's birth when it came with the enum. */
function labelOrigin(type: TypeState & { born: NonNullable<TypeState['born']> }, key: string, label: string, s: Schema): Trace {
  return s.traces.get(traceKey('label', memberKey(type.born.at, label))) ?? { present: true, kind: 'label', at: type.born.at, where: type.born.where, how: 'created', other: `enum ${key}` };
}

const bareName = (key: string): string => key.slice(key.lastIndexOf('.') + 1);

/** A table's names, now and before its renames (bare); the key's last part for anything else. */
function relationNames(s: Schema, key: string): string[] {
  const table = s.tableMap.get(key);
  return table ? tableNames(table) : [bareName(key)];
}

/**
 * The names (bare) of what the object under `key` goes with when dropped: an index's table, the
 * relations a view reads, a sequence's owning table, a table's parents. A DO block that names one of
 * them may have dropped the object without naming it (a DO block that drops a column names its
 * table too). Not its schema, nor columns: a DO block that qualifies names with the schema, or says
 * `id`, would make every object of the schema, or every index on an id, uncertain.
 */
function namesBehind(s: Schema, key: string, seen = new Set<string>()): string[] {
  if (seen.has(key)) return [];
  seen.add(key);
  const out: string[] = [];
  const index = s.indexMap.get(key);
  if (index) out.push(...relationNames(s, index.table), ...namesBehind(s, index.table, seen));
  for (const relation of s.viewMap.get(key)?.relations ?? []) out.push(...relationNames(s, relation), ...namesBehind(s, relation, seen));
  const owner = s.sequences.get(key)?.ownedBy;
  if (owner !== undefined) {
    const table = owner.slice(0, owner.lastIndexOf('.'));
    out.push(...relationNames(s, table), ...namesBehind(s, table, seen));
  }
  for (const parent of s.tableMap.get(key)?.inherits ?? []) out.push(...relationNames(s, parent), ...namesBehind(s, parent, seen));
  return out;
}

/** What is certainly there under a name a statement creates, if anything. */
function existingAt(s: Schema, object: NamedObject, key: string, alsoTypes: boolean, version: number): Conflict | undefined {
  if (object.ns === 'schema') {
    const trace = s.schemas.has(key) ? certainlyPresent(s, 'schema', key) : undefined;
    return trace ? { object, key, kind: 'schema', trace } : undefined;
  }
  const rel = relationAt(s, key);
  // For a type's name, only relations with a row type are in the way (not an index, nor a sequence since PostgreSQL 14).
  const rowType = rel !== 'index' && (rel !== 'sequence' || version < SEQUENCES_WITHOUT_ROW_TYPE);
  if (rel !== undefined && (object.ns === 'rel' || rowType)) {
    const trace = certainlyPresent(s, rel === 'type' ? 'type' : 'rel', key, namesBehind(s, key));
    if (trace) return { object, key, kind: rel, trace };
    return undefined;
  }
  const type = object.ns === 'type' || alsoTypes ? typeAt(s, key) : undefined;
  if (type) {
    const trace = certainlyPresent(s, 'type', key, namesBehind(s, key));
    if (trace) return { object, key, kind: type, trace };
  }
  return undefined;
}

/** What a member's kind is called in messages. */
const MEMBER_WORDS: Record<'con' | 'trg' | 'pol', string> = { con: 'constraint', trg: 'trigger', pol: 'policy' };

/** Whether the model has a constraint, trigger or policy of that name on the table. */
function hasMember(s: Schema, ns: 'con' | 'trg' | 'pol', table: TableState, name: string): boolean {
  if (ns === 'con') return table.constraints.has(name);
  return (ns === 'trg' ? s.triggers : s.policies).has(`${table.qualified}.${name}`);
}

/** A constraint, trigger or policy of a table that certainly exists under `name`. */
function memberAt(s: Schema, object: NamedObject, name: string, version: number): Conflict | undefined {
  const ns = object.ns as 'con' | 'trg' | 'pol';
  const table = tableOf(s, object.relation!);
  if (!table || !certainTable(s, table, object.relation!) || !hasMember(s, ns, table, name)) return undefined;
  // Before PostgreSQL 18 a NOT NULL constraint keeps no name.
  if (ns === 'con' && table.constraints.get(name)!.type === 'not-null' && version < NAMED_NOT_NULL) return undefined;
  const trace = certainlyPresent(s, ns, memberKey(table.born.at, name), [...tableNames(table), ...namesBehind(s, table.qualified)]);
  if (!trace) return undefined;
  const what = `${MEMBER_WORDS[ns]} ${name} of table ${table.qualified}`;
  return { object, key: `${table.qualified}.${name}`, kind: MEMBER_WORDS[ns], trace, what, table: table.qualified };
}

/** A label of an enum the history created that certainly exists. */
function labelAt(s: Schema, object: NamedObject, label: string): Conflict | undefined {
  const found = enumOf(s, object.relation!);
  if (!found || !found.type.labels?.includes(label)) return undefined;
  const { key, type, names } = found;
  const origin = labelOrigin(type as TypeState & { born: NonNullable<TypeState['born']> }, key, label, s);
  if (!origin.present || origin.unsure) return undefined;
  // A DO block that renames a label names its enum.
  if (uncertaintySince(s, origin.at, 'disappear', { ns: 'label', schema: '', names: [label, ...names] })) return undefined;
  return { object, key: `${key}.${label}`, kind: 'label', trace: origin, what: `label '${label}' of enum ${key}` };
}

/** A routine of that schema, name and input argument types that certainly exists. */
function routineAt(s: Schema, object: NamedObject, key: string, signature: string): Conflict | undefined {
  if (matchingSignatures(s, key, signature).length === 0) return undefined;
  const fnKey = routineKey(key, signature);
  const trace = certainlyPresent(s, 'fn', fnKey, [object.name, signature.slice(0, signature.indexOf('('))]);
  return trace ? { object, key: fnKey, kind: trace.kind, trace } : undefined;
}

/** Objects a statement creates (or renames something to) that already exist for certain, on `version`'s servers. */
export function conflicts(statement: LintStatement, model: SchemaModel, version: number): Conflict[] {
  const s = model as Schema;
  const { creates, renames } = statementObjects(statement);
  const out: Conflict[] = [];
  // A constraint whose index's name is taken is reported as that (Postgres checks the index's name first).
  let indexTaken: Set<string> | undefined;
  for (const object of creates) {
    // A view of a temporary table or view is temporary: it goes to the session's own schema.
    if (statement.kind === 'ViewStmt' && readsTemporary(s, statement.ast.query)) continue;
    if (object.ns === 'col') {
      const table = tableOf(s, object.relation!);
      if (!table?.columns.has(object.name) || !knowsColumns(s, table, object.relation!)) continue;
      const origin = columnOrigin(s, table, object.name);
      if (!origin?.present || origin.unsure) continue;
      // Its table, or its type (DROP TYPE ... CASCADE) when the history created it, named in a DO block may have taken it.
      const type = table.columns.get(object.name)!.type;
      const ownType = s.resolveName(s.types, bareName(type), type.includes('.') ? type.slice(0, type.lastIndexOf('.')) : undefined) !== undefined ? [bareName(type)] : [];
      if (uncertaintySince(s, origin.at, 'disappear', { ns: 'col', schema: '', names: [object.name, ...tableNames(table), ...ownType, ...namesBehind(s, table.qualified)] })) continue;
      out.push({ object, key: `${table.qualified}.${object.name}`, kind: 'column', trace: origin, table: table.qualified });
      continue;
    }
    if (object.ns === 'con' || object.ns === 'trg' || object.ns === 'pol') {
      if (object.notNull && version < NAMED_NOT_NULL) continue;
      if (object.ns === 'con' && indexTaken?.has(object.name)) continue;
      const found = memberAt(s, object, object.name, version);
      if (found) out.push(found);
      continue;
    }
    if (object.ns === 'label') {
      const found = labelAt(s, object, object.name);
      if (found) out.push(found);
      continue;
    }
    if (object.ns === 'ext') {
      const trace = s.extensions.has(object.name) ? certainlyPresent(s, 'ext', object.name) : undefined;
      if (trace) out.push({ object, key: object.name, kind: 'extension', trace });
      continue;
    }
    if (object.ns === 'fn') {
      // Argument types, and the routine's name when unqualified, resolve along the search path.
      const key = s.defaultPathCertain() ? exactKey(s, object.schema, object.name) : undefined;
      const found = key === undefined ? undefined : routineAt(s, object, key, object.signature!);
      if (found) out.push(found);
      continue;
    }
    // An index is created in its table's schema (a constraint's index in CREATE TABLE: where the table is), else as written.
    let schema = object.schema;
    if ((object.kind === 'index' || (object.kind === 'constraint' && statement.kind !== 'CreateStmt')) && schema === undefined) {
      const tableKey = s.resolveName(s.tableMap, object.relation!.name, undefined) ?? s.resolveName(s.viewMap, object.relation!.name, undefined);
      if (!tableKey || tableKey !== referenceKey(s, undefined, object.relation!.name)) continue;
      schema = tableKey.slice(0, tableKey.lastIndexOf('.'));
    }
    const key = object.ns === 'schema' ? object.name : exactKey(s, schema, object.name);
    if (key === undefined) continue;
    const found = existingAt(s, object, key, object.alsoTypes === true, version);
    if (found) {
      out.push(found);
      if (object.kind === 'constraint') (indexTaken ??= new Set()).add(object.name);
    }
  }
  for (const rename of renames) {
    const found = renameConflict(s, rename, version);
    if (found) out.push(found);
  }
  return out;
}

/** What is certainly there under the new name of a rename or SET SCHEMA, if anything. */
function renameConflict(s: Schema, rename: NewName, version: number): Conflict | undefined {
  const from = rename.from;
  const to = rename.to.name;
  if (from.ns === 'con' || from.ns === 'trg' || from.ns === 'pol') {
    const table = tableOf(s, from.relation!);
    if (!table || !hasMember(s, from.ns, table, from.name) || to === from.name) return undefined;
    const renamed = `${MEMBER_WORDS[from.ns]} ${from.name} of table ${table.qualified}`;
    // A constraint's index takes its new name: that must be free among the schema's relations first.
    if (from.ns === 'con' && s.indexMap.get(`${table.schema}.${from.name}`)?.constraint === from.name && certainTable(s, table, from.relation!)) {
      const index = existingAt(s, { ...from, ns: 'rel', kind: 'index', name: to }, `${table.schema}.${to}`, false, version);
      if (index) return { ...index, object: from, renamed, target: to };
    }
    const found = memberAt(s, from, to, version);
    return found ? { ...found, renamed, target: to } : undefined;
  }
  if (from.ns === 'label') {
    const found = enumOf(s, from.relation!);
    if (!found?.type.labels?.includes(from.name) || to === from.name) return undefined;
    const conflict = labelAt(s, from, to);
    return conflict ? { ...conflict, renamed: `label '${from.name}' of enum ${found.key}`, target: `'${to}'` } : undefined;
  }
  if (from.ns === 'fn') {
    if (!s.defaultPathCertain()) return undefined;
    const fromKey = s.resolveName(s.functions, from.name, from.schema);
    if (fromKey === undefined || (from.schema === undefined && fromKey !== exactKey(s, undefined, from.name))) return undefined;
    const signatures = matchingSignatures(s, fromKey, from.signature!);
    if (signatures.length !== 1) return undefined;
    const newKey = `${rename.to.schema ?? fromKey.slice(0, fromKey.lastIndexOf('.'))}.${to}`;
    if (newKey === fromKey || isSystemSchema(newKey.slice(0, newKey.lastIndexOf('.')))) return undefined;
    const signature = `${to}${signatures[0]!.slice(signatures[0]!.indexOf('('))}`;
    const found = routineAt(s, { ...from, name: to }, newKey, signature);
    return found ? { ...found, object: from, renamed: `${from.kind} ${routineKey(fromKey, signatures[0]!)}` } : undefined;
  }
  let fromKey: string | undefined;
  if (from.ns === 'schema') fromKey = s.schemas.has(from.name) ? from.name : undefined;
  else if (from.ns === 'rel') fromKey = [s.tableMap, s.viewMap, s.indexMap, s.sequences].map((map) => s.resolveName(map, from.name, from.schema)).find((k) => k !== undefined);
  else fromKey = s.resolveName(s.types, from.name, from.schema);
  if (fromKey === undefined) return undefined;
  if (from.schema === undefined && from.ns !== 'schema' && fromKey !== referenceKey(s, undefined, from.name)) return undefined;
  const key = from.ns === 'schema' ? to : `${rename.to.schema ?? fromKey.slice(0, fromKey.lastIndexOf('.'))}.${to}`;
  if (key === fromKey || (from.ns !== 'schema' && isSystemSchema(key.slice(0, key.lastIndexOf('.'))))) return undefined;
  // A composite type is a relation too: its new name must be free of every relation.
  const composite = from.ns === 'type' && s.types.get(fromKey)?.kind === 'composite';
  // Before PostgreSQL 14 a sequence had a row type, renamed with it.
  const alsoTypes = rename.alsoTypes || composite || (s.sequences.has(fromKey) && version < SEQUENCES_WITHOUT_ROW_TYPE);
  const found = existingAt(s, { ...from, ns: composite ? 'rel' : from.ns, name: to }, key, alsoTypes, version);
  if (found) return { ...found, object: from, renamed: fromKey };
  // A constraint's index renamed renames the constraint: the name must be free on its table.
  const index = from.ns === 'rel' ? s.indexMap.get(fromKey) : undefined;
  const table = index?.constraint ? s.tableMap.get(index.table) : undefined;
  if (!index?.constraint || !table || rename.to.schema !== undefined) return undefined;
  const member = memberAt(s, { ns: 'con', kind: 'constraint', name: to, relation: { schema: table.schema, name: table.name }, verb: from.verb }, to, version);
  return member ? { ...member, object: from, renamed: fromKey, target: key } : undefined;
}

/** An object a statement needs that certainly does not exist: its key and the trace that says so. */
export interface Absence {
  object: NamedObject;
  key: string;
  trace: Trace;
  /** What is missing, for messages, when `<kind> <key>` does not say it. */
  what?: string;
  /** The object is in a schema that was dropped (the trace is the schema's). */
  schemaGone?: string;
  /** A column (or label) what it belongs to never had: the table (or enum, `neverInKind`), created complete by `trace`. */
  neverIn?: string;
  neverInKind?: string;
}

/** Objects a statement needs that certainly do not exist at that point. */
export function absences(statement: LintStatement, model: SchemaModel): Absence[] {
  const s = model as Schema;
  const { needs } = statementObjects(statement);
  const out: Absence[] = [];
  const missingRelations = new Set<string>();
  for (const object of needs) {
    if (object.ns === 'col') {
      const rel = object.relation!;
      if (missingRelations.has(`${rel.schema}.${rel.name}`)) continue;
      const table = tableOf(s, rel);
      if (!table || table.columns.has(object.name) || !knowsColumns(s, table, rel)) continue;
      const names = [object.name, ...tableNames(table)];
      const key = `${table.qualified}.${object.name}`;
      const own = s.traces.get(traceKey('col', columnKey(table.born.at, object.name)));
      if (own) {
        const trace = certainlyAbsent(s, 'col', columnKey(table.born.at, object.name), tableNames(table));
        if (trace) out.push({ object, key, trace });
        continue;
      }
      // Never in the table: it was created with every column known, and nothing unseen may have added one since.
      if (uncertaintySince(s, table.born.at, 'appear', { ns: 'col', schema: '', names })) continue;
      out.push({ object, key, trace: { present: false, kind: 'column', at: table.born.at, where: table.born.where, how: 'created' }, neverIn: table.qualified });
      continue;
    }
    if (object.ns === 'con' || object.ns === 'trg' || object.ns === 'pol') {
      const rel = object.relation!;
      if (missingRelations.has(`${rel.schema}.${rel.name}`)) continue;
      const table = tableOf(s, rel);
      if (!table || hasMember(s, object.ns, table, object.name) || !certainTable(s, table, rel)) continue;
      const trace = certainlyAbsent(s, object.ns, memberKey(table.born.at, object.name), tableNames(table));
      if (trace) out.push({ object, key: `${table.qualified}.${object.name}`, trace, what: `${MEMBER_WORDS[object.ns]} ${object.name} of table ${table.qualified}` });
      continue;
    }
    if (object.ns === 'label') {
      const found = enumOf(s, object.relation!);
      if (!found || found.type.labels?.includes(object.name)) continue;
      const { key, type, names } = found;
      const born = type.born!;
      const what = `label '${object.name}' of enum ${key}`;
      const own = s.traces.get(traceKey('label', memberKey(born.at, object.name)));
      if (own) {
        const trace = certainlyAbsent(s, 'label', memberKey(born.at, object.name), names);
        if (trace) out.push({ object, key: `${key}.${object.name}`, trace, what });
        continue;
      }
      // Never in the enum: it was created with its labels, and nothing unseen that names it may have added one.
      if (uncertaintySince(s, born.at, 'appear', { ns: 'label', schema: '', names: [object.name, ...names] })) continue;
      out.push({ object, key: `${key}.${object.name}`, trace: { present: false, kind: 'label', at: born.at, where: born.where, how: 'created' }, what, neverIn: key, neverInKind: 'enum' });
      continue;
    }
    if (object.ns === 'fn') {
      // Unqualified, a built-in of that name (pg_catalog comes first) may be what it means.
      if (!s.defaultPathCertain() || (object.schema === undefined && hasNonVolatileBuiltin(object.name))) continue;
      const key = exactKey(s, object.schema, object.name);
      if (key === undefined || matchingSignatures(s, key, object.signature!).length > 0) continue;
      const fnKey = routineKey(key, object.signature!);
      const trace = certainlyAbsent(s, 'fn', fnKey, [object.name]);
      // What it was: a function or a procedure (DROP ROUTINE says either).
      if (trace) out.push({ object, key: fnKey, trace, what: `${trace.kind} ${fnKey}` });
      continue;
    }
    if (resolves(s, object)) continue;
    const key = object.ns === 'schema' || object.ns === 'ext' ? object.name : referenceKey(s, object.schema, object.name);
    if (key === undefined) continue;
    const trace = certainlyAbsent(s, object.ns, key);
    if (trace) {
      out.push({ object, key, trace });
      missingRelations.add(`${object.schema}.${object.name}`);
      continue;
    }
    if (object.ns === 'rel' || object.ns === 'type') {
      const schema = key.slice(0, key.lastIndexOf('.'));
      const schemaTrace = s.schemas.has(schema) ? undefined : certainlyAbsent(s, 'schema', schema);
      if (schemaTrace) {
        out.push({ object, key, trace: schemaTrace, schemaGone: schema });
        missingRelations.add(`${object.schema}.${object.name}`);
      }
    }
  }
  return out;
}

// ---- Messages ---------------------------------------------------------------------------------

/** Who did it: `migrations/x.sql, revision R`, `up`, `an earlier statement of this down section`. */
export function whoText(trace: Trace, statement: LintStatement): string {
  const where = trace.where;
  if (where?.file !== undefined && where.file === statement.migration.relPath) {
    if (where.section === statement.section) return `an earlier statement of this ${statement.section === 'down' ? 'down section' : 'migration'}`;
    return where.section;
  }
  if (where?.file === undefined) return 'an earlier migration';
  return `${where.file}, revision ${where.revision}`;
}

/** The trace said as `<verb> by <who>`: `dropped by migrations/x.sql, revision R`, `renamed to public.b by ...`. */
export function traceText(trace: Trace, statement: LintStatement): string {
  const who = whoText(trace, statement);
  switch (trace.how) {
    case 'created':
      return trace.present ? (trace.other ? `created with ${trace.other} by ${who}` : `${trace.kind === 'column' || trace.kind === 'label' ? 'added' : 'created'} by ${who}`) : `created by ${who}`;
    case 'dropped':
      return `dropped by ${who}`;
    case 'cascade':
      return `dropped with ${trace.other} by ${who}`;
    case 'renamed':
      return trace.present ? `renamed from ${trace.other} by ${who}` : `renamed to ${trace.other} by ${who}`;
    case 'moved':
      return trace.present ? `moved here from ${trace.other} by ${who}` : `moved to ${trace.other} by ${who}`;
  }
}

/** Whether the trace is this migration's up section, seen from its down section. */
export function byOwnUp(trace: Trace, statement: LintStatement): boolean {
  return statement.section === 'down' && trace.where?.file === statement.migration.relPath && trace.where.section === 'up';
}

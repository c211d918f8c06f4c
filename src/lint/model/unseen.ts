/**
 * Statements whose effect on the schema the model does not follow, and which names they may touch
 * (see existence.ts): a DO block may create or drop what its body names, or anything when it runs
 * dynamic SQL or calls a function; a function or procedure called at migration time may do
 * anything; CREATE EXTENSION creates objects the model never sees; a DROP ... CASCADE of a type,
 * function or schema drops columns and objects the model does not know depend on it.
 */
import { hasNonVolatileBuiltin } from '../analysis/non-volatile-functions.js';
import { noteUncertainty } from './existence.js';
import { objectName, stringList } from './names.js';
import type { Schema } from './schema.js';

/**
 * Functions that run no DDL, besides the built-in non-volatile ones: volatile built-ins, aggregates,
 * set-returning and window functions, and the functions of uuid-ossp and pgcrypto.
 */
const HARMLESS = new Set(
  (
    'nextval currval setval lastval random random_normal gen_random_uuid uuidv4 uuidv7 clock_timestamp statement_timestamp ' +
    'transaction_timestamp now timeofday pg_sleep pg_sleep_for pg_sleep_until pg_advisory_lock pg_advisory_xact_lock pg_advisory_unlock ' +
    'pg_advisory_unlock_all pg_try_advisory_lock pg_try_advisory_xact_lock pg_advisory_lock_shared pg_advisory_xact_lock_shared ' +
    'pg_notify pg_current_xact_id txid_current set_config current_setting pg_terminate_backend pg_cancel_backend pg_reload_conf ' +
    'pg_stat_reset to_regclass to_regtype to_regproc to_regprocedure to_regnamespace to_regrole count sum avg min max array_agg ' +
    'string_agg json_agg jsonb_agg json_object_agg jsonb_object_agg bool_and bool_or every bit_and bit_or xmlagg row_number rank ' +
    'dense_rank percent_rank cume_dist lag lead first_value last_value nth_value ntile generate_series generate_subscripts unnest ' +
    'json_array_elements json_array_elements_text jsonb_array_elements jsonb_array_elements_text json_each json_each_text jsonb_each ' +
    'jsonb_each_text json_object_keys jsonb_object_keys regexp_matches regexp_split_to_table string_to_table json_populate_record ' +
    'jsonb_populate_record json_populate_recordset jsonb_populate_recordset json_to_record jsonb_to_record json_to_recordset ' +
    'jsonb_to_recordset jsonb_path_query quote_ident quote_literal quote_nullable format ' +
    'uuid_generate_v1 uuid_generate_v1mc uuid_generate_v3 uuid_generate_v4 uuid_generate_v5 uuid_nil uuid_ns_dns uuid_ns_url ' +
    'uuid_ns_oid uuid_ns_x500 crypt gen_salt digest hmac gen_random_bytes pgp_sym_encrypt pgp_sym_decrypt encrypt decrypt armor dearmor'
  ).split(' '),
);

/** Words that stand before a parenthesis in SQL and PL/pgSQL without being a function call (or name a type with a modifier). */
const NOT_CALLS = new Set(
  (
    'if elsif exists in any all some values enum as and or not then else when case coalesce nullif greatest least array row cast ' +
    'key unique check primary foreign default with using exclude include over filter within partition range list hash by from join ' +
    'where return returns query extract position substring overlay trim to for of set is like ilike similar between returning on ' +
    'select while loop begin end declare raise notice exception strict into table type index view function procedure trigger ' +
    'references sequence column constraint add alter create drop rename domain schema grouping rollup cube lateral only ' +
    'varchar char character varying numeric decimal timestamp timestamptz time timetz interval bit varbit float vector halfvec ' +
    'sparsevec geometry geography btree gist gin brin spgist'
  ).split(' '),
);

/** Words after which an identifier before a parenthesis names an object, not a function: `CREATE TABLE t (`, `INSERT INTO t (`. */
const OBJECT_CONTEXT = new Set(['table', 'into', 'on', 'references', 'type', 'view', 'function', 'procedure', 'exists']);

/** Whether a function called by name (qualified or not) may run DDL: anything but a known built-in. */
function mayRunDdl(names: readonly string[], argumentCount: number | undefined): boolean {
  const name = names[names.length - 1] ?? '';
  if (names.length > 1) return names[names.length - 2] !== 'pg_catalog';
  if (HARMLESS.has(name)) return false;
  return argumentCount === undefined ? !hasNonVolatileBuiltin(name) : !hasNonVolatileBuiltin(name, argumentCount);
}

/**
 * Whether a parse tree calls a function that may run DDL; notes set_config('search_path', ...) on
 * the way. A walk of its own, stopping at the first such call: it runs on every INSERT, UPDATE,
 * DELETE and SELECT of the history.
 */
function ddlCall(s: Schema, node: any): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) {
    for (const item of node) if (ddlCall(s, item)) return true;
    return false;
  }
  const call = node.FuncCall;
  if (call !== undefined) {
    const names = stringList(call.funcname);
    const name = names[names.length - 1];
    if (name === 'set_config' && (names.length === 1 || names[0] === 'pg_catalog') && call.args?.[0]?.A_Const?.sval?.sval === 'search_path') s.pathUnknownHere = true;
    if (mayRunDdl(names, (call.args ?? []).length)) return true;
  }
  for (const key in node) {
    const value = node[key];
    if (value !== null && typeof value === 'object' && ddlCall(s, value)) return true;
  }
  return false;
}

/** The names an identity column's SEQUENCE NAME option gives (CREATE TABLE, ADD COLUMN, ADD GENERATED). */
function identitySequenceNames(kind: string, ast: any): string[] {
  const out: string[] = [];
  const fromConstraint = (c: any) => {
    if (c?.contype !== 'CONSTR_IDENTITY') return;
    for (const option of c.options ?? []) if (option.DefElem?.defname === 'sequence_name') out.push(...objectName(option.DefElem.arg).slice(-1));
  };
  const fromColumn = (def: any) => {
    for (const c of def?.constraints ?? []) fromConstraint(c.Constraint);
  };
  if (kind === 'CreateStmt') {
    for (const element of ast.tableElts ?? []) fromColumn(element.ColumnDef);
  } else {
    for (const node of ast.cmds ?? []) {
      const cmd = node.AlterTableCmd;
      if (cmd?.subtype === 'AT_AddColumn') fromColumn(cmd.def?.ColumnDef);
      else if (cmd?.subtype === 'AT_AddIdentity') fromConstraint(cmd.def?.Constraint);
    }
  }
  return out;
}

/** Lower-cased words of a text: every name it may mention (string constants and comments too). */
function wordsOf(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z_\u0080-\uffff][a-z0-9_$\u0080-\uffff]*/g) ?? []);
}

/** Whether a PL/pgSQL body may touch names it does not spell out: dynamic SQL, CALL, or a call of a function that is not a known built-in. */
function bodyUnbounded(body: string): boolean {
  const text = body.toLowerCase();
  if (/\b(execute|call)\b/.test(text)) return true;
  // Tokens: names (dotted or quoted) and parentheses; a name followed by "(" is a call unless a keyword, a type, or an object being named.
  const tokens = text.match(/"(?:[^"]|"")*"(?:\.(?:"(?:[^"]|"")*"|[a-z_][a-z0-9_$]*))*|[a-z_][a-z0-9_$]*(?:\s*\.\s*(?:"(?:[^"]|"")*"|[a-z_][a-z0-9_$]*))*|\(|'(?:[^']|'')*'/g) ?? [];
  for (let i = 1; i < tokens.length; i++) {
    if (tokens[i] !== '(') continue;
    const word = tokens[i - 1]!;
    if (word === '(' || word.startsWith("'")) continue;
    const names = word.split(/\s*\.\s*/).map((n) => n.replace(/^"|"$/g, '').replace(/""/g, '"'));
    if (names.length === 1 && NOT_CALLS.has(names[0]!) && !word.startsWith('"')) continue;
    const before = tokens[i - 2];
    if (before !== undefined && OBJECT_CONTEXT.has(before)) continue;
    if (mayRunDdl(names, undefined)) return true;
  }
  return false;
}

/** The option of a DO statement (`as`: the body, `language`). */
function doOption(ast: any, name: string): string | undefined {
  for (const arg of ast.args ?? []) if (arg?.DefElem?.defname === name) return arg.DefElem.arg?.String?.sval;
  return undefined;
}

const DROPS_THE_MODEL_FOLLOWS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_INDEX', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE', 'OBJECT_TRIGGER', 'OBJECT_POLICY']);

/** Statements that create, drop or change no object by the names they say. */
const CHANGES_NO_OBJECT = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'ExplainStmt', 'VariableSetStmt', 'TransactionStmt', 'LockStmt', 'VacuumStmt', 'TruncateStmt', 'NotifyStmt', 'DiscardStmt']);

/** A statement without the relation it creates: where that goes does not depend on temporary relations. */
function withoutNewRelation(kind: string, ast: any): any {
  switch (kind) {
    case 'CreateStmt':
      return { ...ast, relation: undefined };
    case 'CreateSeqStmt':
      return { ...ast, sequence: undefined };
    case 'CreateTableAsStmt':
      return { ...ast, into: { ...ast.into, rel: undefined } };
    case 'CreateForeignTableStmt':
      return { ...ast, base: { ...ast.base, relation: undefined } };
    default:
      return ast;
  }
}

/**
 * A statement that names a temporary relation an earlier migration may have left (Schema.maybeTemp)
 * may act on it or on a permanent object of that name, as the migrations run in one session or
 * not: what it does to the names it says is uncertain.
 */
function noteTemporaryNames(s: Schema, maybeTemp: ReadonlySet<string>, kind: string, ast: any, text: string | undefined): void {
  if (CHANGES_NO_OBJECT.has(kind)) return;
  // Names in the parse tree are JSON strings: `"scratch"` is the name, not a part of another.
  const tree = JSON.stringify(withoutNewRelation(kind, ast));
  for (const name of maybeTemp) {
    if (!tree.includes(JSON.stringify(name))) continue;
    noteUncertainty(s, { appear: true, disappear: true, words: wordsOf(text ?? tree) });
    return;
  }
}

/**
 * Notes what a statement may do that the model does not apply (nothing for the statements it
 * follows). Called for every statement, before the model applies it.
 */
export function noteUnseenEffects(s: Schema, kind: string, ast: any, text: string | undefined): void {
  if (s.maybeTemp !== undefined) noteTemporaryNames(s, s.maybeTemp, kind, ast, text);
  switch (kind) {
    case 'DoStmt': {
      const body = doOption(ast, 'as') ?? '';
      const language = doOption(ast, 'language');
      const bounded = (language === undefined || language === 'plpgsql') && !bodyUnbounded(body);
      noteUncertainty(s, bounded ? { appear: true, disappear: true, words: wordsOf(body) } : { appear: true, disappear: true, mentions: wordsOf(body) });
      return;
    }
    case 'CallStmt':
    case 'ExecuteStmt':
    case 'AlterExtensionStmt':
    case 'AlterExtensionContentsStmt':
      noteUncertainty(s, { appear: true, disappear: true });
      return;
    case 'CreateExtensionStmt':
    case 'ImportForeignSchemaStmt':
      noteUncertainty(s, { appear: true, disappear: false });
      return;
    case 'DropOwnedStmt':
      noteUncertainty(s, { appear: false, disappear: true });
      return;
    case 'DropStmt':
      if (ast.removeType === 'OBJECT_EXTENSION' || (ast.behavior === 'DROP_CASCADE' && !DROPS_THE_MODEL_FOLLOWS.has(ast.removeType))) noteUncertainty(s, { appear: false, disappear: true });
      return;
    case 'CreateForeignTableStmt':
      if (ast.base?.relation?.relname) noteUncertainty(s, { appear: true, disappear: false, words: new Set([String(ast.base.relation.relname).toLowerCase()]) });
      return;
    case 'CreateSchemaStmt':
      if ((ast.schemaElts ?? []).length > 0) noteUncertainty(s, { appear: true, disappear: false, words: wordsOf(text ?? JSON.stringify(ast.schemaElts)) });
      // CREATE SCHEMA AUTHORIZATION joe creates the schema joe.
      if (!ast.schemaname && ast.authrole?.rolename) noteUncertainty(s, { appear: true, disappear: false, words: new Set([String(ast.authrole.rolename).toLowerCase()]) });
      return;
    case 'RuleStmt':
      if (ast.relation?.relname) noteUncertainty(s, { appear: true, disappear: true, words: new Set([String(ast.relation.relname).toLowerCase()]) });
      return;
    case 'CreateStmt':
    case 'AlterTableStmt': {
      // An identity column's sequence under a name of its own (SEQUENCE NAME): the model does not track it.
      const names = identitySequenceNames(kind, ast);
      if (names.length > 0) noteUncertainty(s, { appear: true, disappear: false, words: new Set(names.map((n) => n.toLowerCase())) });
      return;
    }
    case 'AlterRoleSetStmt':
    case 'AlterDatabaseSetStmt':
      if (ast.setstmt?.name === 'search_path' || ast.setstmt?.kind === 'VAR_RESET_ALL') s.pathDefaultChanged = true;
      return;
    case 'SelectStmt':
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
    case 'CreateTableAsStmt':
    case 'ExplainStmt':
      if (ddlCall(s, ast)) noteUncertainty(s, { appear: true, disappear: true });
      else if (kind === 'SelectStmt' && ast.intoClause?.rel?.relname) noteUncertainty(s, { appear: true, disappear: false, words: new Set([String(ast.intoClause.rel.relname).toLowerCase()]) });
      return;
    default:
      return;
  }
}

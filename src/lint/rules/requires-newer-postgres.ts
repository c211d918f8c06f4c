import { strings } from '../analysis/ast.js';
import { offsetInStatement } from '../analysis/positions.js';
import type { Schema } from '../model/schema.js';
import type { LintStatement, Rule, RuleContext, SchemaModel } from '../types.js';

/** What a feature's test sees besides the node: where it is and the schema before the statement. */
interface Scope {
  readonly model: SchemaModel;
  /** Inside CREATE RULE, whose actions have OLD and NEW of their own. */
  readonly insideRule: boolean;
  /** Every relation name, alias and CTE name of the statement (lazily). */
  names(): ReadonlySet<string>;
  /** Whether the schema has, or may have, a function of this name of its own, in any schema (lazily). */
  hasOwnFunction(name: string): boolean;
}

/**
 * A Postgres feature that a parse tree shows unambiguously: the first major version that has it,
 * the node type it appears in, and the test that tells a node using it from one that does not. A
 * test returns true, or the parse tree location of the exact part to point at.
 */
interface Feature {
  since: number;
  /** The feature, as the message names it (a noun phrase, lower case unless SQL). */
  name: string | ((node: any) => string);
  node: string;
  /**
   * Words the statement's text holds wherever it uses the feature (alternatives separated by |,
   * matched case-insensitively): a statement with none of the words of the features its target
   * lacks is not walked, which spares most statements the walk.
   */
  words: string;
  test?: (node: any, scope: Scope) => boolean | number;
  /** The usual way to write it for older servers, shown from the version it works on. */
  instead?: { since: number; text: string };
  /** A built-in function: a bare call of its name may mean a function of the database's own. */
  builtin?: string;
}

const hasItems = (list: unknown): boolean => Array.isArray(list) && list.length > 0;

/** The location of the first `old.x` / `new.x` column reference of a RETURNING list, or undefined. */
function oldOrNewReference(node: unknown, names: () => ReadonlySet<string>): number | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = oldOrNewReference(item, names);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  const ref = (node as any).ColumnRef;
  if (ref && Array.isArray(ref.fields) && ref.fields.length >= 2) {
    const qualifier = ref.fields[0]?.String?.sval;
    // With a table or alias called old or new in the statement, old.x means that relation (as before 18).
    if ((qualifier === 'old' || qualifier === 'new') && !names().has(qualifier)) return ref.location ?? -1;
  }
  for (const value of Object.values(node)) {
    const found = oldOrNewReference(value, names);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** RETURNING WITH (OLD AS ..., NEW AS ...), or old.x / new.x in a RETURNING list. */
function returningOldNew(statement: any, scope: Scope): boolean | number {
  const returning = statement.returningClause;
  if (!returning || scope.insideRule) return false;
  const option = returning.options?.[0]?.ReturningOption;
  if (option) return option.location ?? true;
  return oldOrNewReference(returning.exprs, () => scope.names()) ?? false;
}

/** A call of the built-in function `name`: written `pg_catalog.name`, or bare when the schema has no function of that name. */
function builtinCall(name: string, argumentCount?: number): (call: any, scope: Scope) => boolean {
  return (call, scope) => {
    if (argumentCount !== undefined && (call.args?.length ?? 0) !== argumentCount) return false;
    const names = strings(call.funcname);
    if (names.length === 2) return names[0] === 'pg_catalog' && names[1] === name;
    return names.length === 1 && names[0] === name && !scope.hasOwnFunction(name);
  };
}

/** Built-in functions by the version that added them (each one a function only that release has, under that name). */
const FUNCTIONS: ReadonlyArray<{ since: number; name: string; args?: number; display?: string; instead?: Feature['instead'] }> = [
  { since: 18, name: 'uuidv7', instead: { since: 13, text: 'generate the UUID in the application, or use gen_random_uuid() if a random (version 4) UUID will do' } },
  { since: 18, name: 'uuidv4', instead: { since: 13, text: 'gen_random_uuid() is the same function' } },
  { since: 18, name: 'casefold' },
  { since: 18, name: 'array_sort' },
  { since: 18, name: 'array_reverse' },
  { since: 17, name: 'uuid_extract_timestamp' },
  { since: 17, name: 'uuid_extract_version' },
  { since: 17, name: 'to_bin' },
  { since: 17, name: 'to_oct' },
  { since: 17, name: 'random', args: 2, display: 'random(min, max)' },
  { since: 16, name: 'any_value' },
  { since: 16, name: 'array_sample' },
  { since: 16, name: 'array_shuffle' },
  { since: 16, name: 'random_normal' },
  { since: 14, name: 'date_bin' },
  { since: 14, name: 'string_to_table' },
  { since: 14, name: 'trim_array' },
];

const JSON_QUERY_FUNCTIONS: Record<string, string> = { JSON_EXISTS_OP: 'JSON_EXISTS()', JSON_QUERY_OP: 'JSON_QUERY()', JSON_VALUE_OP: 'JSON_VALUE()' };

const grantsMaintain = (grant: any): boolean => (grant?.privileges ?? []).some((p: any) => p.AccessPriv?.priv_name === 'maintain');

const REWRITE_WITH_JSON_BUILD = { since: 10, text: 'json_build_array(), json_build_object(), json_agg() and json_object_agg() build the same values' };

/** The features, newest first. Each is checked against the release notes of the version named. */
const FEATURES: readonly Feature[] = [
  // PostgreSQL 18
  {
    since: 18,
    words: 'generated',
    name: 'a virtual generated column (GENERATED ALWAYS AS (...) without STORED, or VIRTUAL)',
    node: 'Constraint',
    test: (c) => c.contype === 'CONSTR_GENERATED' && c.generated_kind === 'v',
    instead: { since: 12, text: 'write GENERATED ALWAYS AS (...) STORED, a stored generated column' },
  },
  // A column constraint's [NOT] ENFORCED is a node of its own; a table constraint's leaves is_enforced
  // false (and marks the constraint not valid). A table constraint's explicit ENFORCED leaves no trace.
  { since: 18, words: 'enforced', name: 'a NOT ENFORCED constraint', node: 'Constraint', test: (c) => c.contype === 'CONSTR_ATTR_NOT_ENFORCED' },
  { since: 18, words: 'enforced', name: 'a NOT ENFORCED constraint', node: 'Constraint', test: (c) => (c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_FOREIGN') && c.is_enforced !== true && c.skip_validation === true },
  { since: 18, words: 'enforced', name: 'the ENFORCED constraint attribute', node: 'Constraint', test: (c) => c.contype === 'CONSTR_ATTR_ENFORCED', instead: { since: 10, text: 'leave it out: constraints are enforced unless said otherwise' } },
  { since: 18, words: 'overlaps', name: 'WITHOUT OVERLAPS in a primary key or unique constraint', node: 'Constraint', test: (c) => c.without_overlaps === true },
  { since: 18, words: 'period', name: 'PERIOD in a foreign key', node: 'Constraint', test: (c) => c.fk_with_period === true || c.pk_with_period === true },
  {
    since: 18,
    words: 'null',
    name: 'a NOT NULL table constraint (CONSTRAINT name NOT NULL column)',
    node: 'Constraint',
    test: (c) => c.contype === 'CONSTR_NOTNULL' && hasItems(c.keys),
    instead: { since: 10, text: 'ALTER COLUMN ... SET NOT NULL, or a CHECK (column IS NOT NULL) constraint' },
  },
  { since: 18, words: 'inherit', name: 'NOT NULL ... NO INHERIT', node: 'Constraint', test: (c) => c.contype === 'CONSTR_NOTNULL' && c.is_no_inherit === true },
  { since: 18, words: 'enforced', name: 'ALTER CONSTRAINT ... ENFORCED / NOT ENFORCED', node: 'ATAlterConstraint', test: (a) => a.alterEnforceability === true },
  { since: 18, words: 'inherit', name: 'ALTER CONSTRAINT ... INHERIT / NO INHERIT', node: 'ATAlterConstraint', test: (a) => a.alterInheritability === true },
  { since: 18, words: 'returning', name: 'OLD / NEW in RETURNING', node: 'InsertStmt', test: returningOldNew },
  { since: 18, words: 'returning', name: 'OLD / NEW in RETURNING', node: 'UpdateStmt', test: returningOldNew },
  { since: 18, words: 'returning', name: 'OLD / NEW in RETURNING', node: 'DeleteStmt', test: returningOldNew },
  { since: 18, words: 'returning', name: 'OLD / NEW in RETURNING', node: 'MergeStmt', test: returningOldNew },
  // PostgreSQL 17
  { since: 17, words: 'returning', name: 'MERGE ... RETURNING', node: 'MergeStmt', test: (m) => m.returningClause !== undefined },
  { since: 17, words: 'source', name: 'WHEN NOT MATCHED BY SOURCE in MERGE', node: 'MergeWhenClause', test: (w) => w.matchKind === 'MERGE_WHEN_NOT_MATCHED_BY_SOURCE' },
  { since: 17, words: 'json', name: 'JSON_TABLE()', node: 'JsonTable', instead: { since: 10, text: 'jsonb_to_recordset() or jsonb_array_elements() turn JSON into rows' } },
  { since: 17, words: 'json', name: (f) => JSON_QUERY_FUNCTIONS[f.op] ?? 'a SQL/JSON query function', node: 'JsonFuncExpr' },
  // A plain JSON(x) is a cast to json on older servers (a function call named after a type): only its options are new.
  {
    since: 17,
    words: 'json',
    name: 'JSON() with WITH UNIQUE KEYS or FORMAT JSON',
    node: 'JsonParseExpr',
    test: (j) => j.unique_keys === true || (j.expr?.format?.format_type ?? 'JS_FORMAT_DEFAULT') !== 'JS_FORMAT_DEFAULT',
    instead: { since: 10, text: "a cast, JSON(x) without options or x::json, which checks that the text is JSON but not that its keys are unique" },
  },
  { since: 17, words: 'json', name: 'JSON_SCALAR()', node: 'JsonScalarExpr' },
  { since: 17, words: 'json', name: 'JSON_SERIALIZE()', node: 'JsonSerializeExpr' },
  { since: 17, words: 'expression', name: 'ALTER COLUMN ... SET EXPRESSION', node: 'AlterTableCmd', test: (a) => a.subtype === 'AT_SetExpression' },
  { since: 17, words: 'maintain', name: 'the MAINTAIN privilege', node: 'GrantStmt', test: grantsMaintain },
  { since: 17, words: 'maintain', name: 'the MAINTAIN privilege', node: 'AlterDefaultPrivilegesStmt', test: (a) => grantsMaintain(a.action) },
  // PostgreSQL 16
  { since: 16, words: 'json', name: 'JSON_ARRAY()', node: 'JsonArrayConstructor', instead: REWRITE_WITH_JSON_BUILD },
  { since: 16, words: 'json', name: 'JSON_ARRAY(query)', node: 'JsonArrayQueryConstructor', instead: REWRITE_WITH_JSON_BUILD },
  { since: 16, words: 'json', name: 'JSON_OBJECT(key: value)', node: 'JsonObjectConstructor', instead: REWRITE_WITH_JSON_BUILD },
  { since: 16, words: 'json', name: 'JSON_ARRAYAGG()', node: 'JsonArrayAgg', instead: REWRITE_WITH_JSON_BUILD },
  { since: 16, words: 'json', name: 'JSON_OBJECTAGG()', node: 'JsonObjectAgg', instead: REWRITE_WITH_JSON_BUILD },
  { since: 16, words: 'json', name: 'IS JSON', node: 'JsonIsPredicate' },
  {
    since: 16,
    words: 'grant|revoke',
    name: 'the INHERIT / SET option of a role membership (GRANT role TO role WITH INHERIT ..., SET ...)',
    node: 'GrantRoleStmt',
    test: (g) => {
      const option = (g.opt ?? []).map((o: any) => o.DefElem).find((d: any) => d?.defname === 'inherit' || d?.defname === 'set');
      return option ? (option.location ?? true) : false;
    },
  },
  // PostgreSQL 15
  { since: 15, words: 'merge', name: 'MERGE', node: 'MergeStmt', instead: { since: 10, text: 'INSERT ... ON CONFLICT, or an UPDATE and an INSERT' } },
  { since: 15, words: 'distinct', name: 'UNIQUE NULLS NOT DISTINCT', node: 'Constraint', test: (c) => c.nulls_not_distinct === true },
  { since: 15, words: 'distinct', name: 'UNIQUE NULLS NOT DISTINCT', node: 'IndexStmt', test: (i) => i.nulls_not_distinct === true },
  { since: 15, words: 'delete', name: 'ON DELETE SET NULL / SET DEFAULT with a column list', node: 'Constraint', test: (c) => hasItems(c.fk_del_set_cols) },
  { since: 15, words: 'parameter', name: 'GRANT ... ON PARAMETER', node: 'GrantStmt', test: (g) => g.objtype === 'OBJECT_PARAMETER_ACL' },
  // PostgreSQL 14
  {
    since: 14,
    words: 'trigger',
    name: 'CREATE OR REPLACE TRIGGER',
    node: 'CreateTrigStmt',
    test: (t) => t.replace === true,
    instead: { since: 10, text: 'DROP TRIGGER IF EXISTS, then CREATE TRIGGER, in the same migration' },
  },
  { since: 14, words: 'detach', name: 'DETACH PARTITION ... CONCURRENTLY', node: 'PartitionCmd', test: (p) => p.concurrent === true },
  { since: 14, words: 'detach', name: 'DETACH PARTITION ... FINALIZE', node: 'AlterTableCmd', test: (a) => a.subtype === 'AT_DetachPartitionFinalize' },
  {
    since: 14,
    words: 'atomic|return',
    name: 'a SQL-standard function body (BEGIN ATOMIC ... END, or RETURN expression)',
    node: 'CreateFunctionStmt',
    test: (f) => f.sql_body !== undefined,
    instead: { since: 10, text: 'give the body as a string: AS $$ ... $$' },
  },
  { since: 14, words: 'compression', name: 'a column COMPRESSION method', node: 'ColumnDef', test: (c) => typeof c.compression === 'string' },
  { since: 14, words: 'compression', name: 'ALTER COLUMN ... SET COMPRESSION', node: 'AlterTableCmd', test: (a) => a.subtype === 'AT_SetCompression' },
  { since: 14, words: 'search|cycle', name: 'SEARCH / CYCLE in a recursive query', node: 'CommonTableExpr', test: (c) => c.search_clause !== undefined || c.cycle_clause !== undefined },
  // PostgreSQL 13
  { since: 13, words: 'expression', name: 'ALTER COLUMN ... DROP EXPRESSION', node: 'AlterTableCmd', test: (a) => a.subtype === 'AT_DropExpression' },
  { since: 13, words: 'ties', name: 'FETCH FIRST ... WITH TIES', node: 'SelectStmt', test: (s) => s.limitOption === 'LIMIT_OPTION_WITH_TIES' },
  // PostgreSQL 12
  {
    since: 12,
    words: 'generated',
    name: 'a stored generated column (GENERATED ALWAYS AS (...) STORED)',
    node: 'Constraint',
    test: (c) => c.contype === 'CONSTR_GENERATED' && c.generated_kind === 's',
    instead: { since: 10, text: 'a plain column kept current by a trigger' },
  },
  {
    since: 12,
    words: 'reindex',
    name: 'REINDEX ... CONCURRENTLY',
    node: 'ReindexStmt',
    test: (r) => (r.params ?? []).some((p: any) => p.DefElem?.defname === 'concurrently'),
    instead: { since: 10, text: 'CREATE INDEX CONCURRENTLY a copy of the index, then DROP INDEX CONCURRENTLY the old one and rename the copy' },
  },
  { since: 12, words: 'using', name: 'a table access method (CREATE TABLE ... USING)', node: 'CreateStmt', test: (c) => typeof c.accessMethod === 'string' },
  { since: 12, words: 'using', name: 'a table access method (CREATE MATERIALIZED VIEW ... USING)', node: 'CreateTableAsStmt', test: (c) => typeof c.into?.accessMethod === 'string' },
  // PostgreSQL 11
  { since: 11, words: 'procedure', name: 'CREATE PROCEDURE', node: 'CreateFunctionStmt', test: (f) => f.is_procedure === true, instead: { since: 10, text: 'a function (CREATE FUNCTION ... RETURNS void), called with SELECT' } },
  { since: 11, words: 'call', name: 'CALL', node: 'CallStmt', instead: { since: 10, text: 'a function called with SELECT' } },
  { since: 11, words: 'include', name: 'an index with INCLUDE columns', node: 'IndexStmt', test: (i) => hasItems(i.indexIncludingParams) },
  { since: 11, words: 'include', name: 'a primary key or unique constraint with INCLUDE columns', node: 'Constraint', test: (c) => hasItems(c.including) },
  { since: 11, words: 'hash', name: 'PARTITION BY HASH', node: 'CreateStmt', test: (c) => c.partspec?.strategy === 'PARTITION_STRATEGY_HASH' },
  { since: 11, words: 'partition', name: 'a hash partition (FOR VALUES WITH (MODULUS ..., REMAINDER ...))', node: 'PartitionBoundSpec', test: (b) => b.strategy === 'h' },
  { since: 11, words: 'partition', name: 'a DEFAULT partition', node: 'PartitionBoundSpec', test: (b) => b.is_default === true },
  // Built-in functions
  ...FUNCTIONS.map(
    (f): Feature => ({
      since: f.since,
      words: f.name,
      name: `the function ${f.display ?? `${f.name}()`}`,
      node: 'FuncCall',
      test: builtinCall(f.name, f.args),
      builtin: f.name,
      ...(f.instead ? { instead: f.instead } : {}),
    }),
  ),
];

/** The newest version any feature needs: from it on, the rule has nothing to look for. */
const NEWEST = Math.max(...FEATURES.map((f) => f.since));

/** What a target version lacks: the features by node type, and the words a statement needs to use one. */
interface Missing {
  byNode: ReadonlyMap<string, readonly Feature[]>;
  words: RegExp;
}

const byVersion = new Map<number, Missing>();

function featuresMissingFrom(version: number): Missing {
  let missing = byVersion.get(version);
  if (!missing) {
    const byNode = new Map<string, Feature[]>();
    const words = new Set<string>();
    for (const feature of FEATURES) {
      if (feature.since <= version) continue;
      const list = byNode.get(feature.node) ?? [];
      list.push(feature);
      byNode.set(feature.node, list);
      for (const word of feature.words.split('|')) words.add(word);
    }
    // Oldest first: a statement's MERGE is reported before its MERGE ... RETURNING.
    for (const list of byNode.values()) list.sort((a, b) => a.since - b.since);
    missing = { byNode, words: new RegExp([...words].join('|'), 'i') };
    byVersion.set(version, missing);
  }
  return missing;
}

/** Node types some parse-tree fields hold without their `{ Type: ... }` wrapper, by field name. */
const UNWRAPPED: Record<string, string> = { partbound: 'PartitionBoundSpec', bound: 'PartitionBoundSpec' };

/** Every relation name, alias and CTE name in a parse tree. */
function namesIn(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) namesIn(item, out);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'relname' || key === 'aliasname' || key === 'ctename') && typeof value === 'string') out.add(value);
      else if (typeof value === 'object') namesIn(value, out);
    }
  }
  return out;
}

/**
 * Leaf node types no feature is recognised in or under (names, constants, column and role
 * references): the walk skips them, which is most of a parse tree.
 */
const LEAVES = new Set(['String', 'A_Const', 'Integer', 'Float', 'Boolean', 'ColumnRef', 'RangeVar', 'RoleSpec', 'TypeName', 'A_Star', 'ParamRef']);

/** One statement's walk: every `{ Type: body }` node (and the few unwrapped ones) against the features its target lacks. */
class Walk {
  private names: Set<string> | undefined;
  private functions: Set<string> | undefined;
  private scopes: [Scope, Scope] | undefined;

  constructor(
    private readonly statement: LintStatement,
    private readonly model: SchemaModel,
    private readonly ctx: RuleContext,
    private readonly missing: Missing,
  ) {}

  node(type: string, body: any, location: number | undefined, insideRule: boolean): void {
    const own = body.location;
    const here = typeof own === 'number' && own >= 0 ? own : location;
    const inRule = insideRule || type === 'RuleStmt';
    const features = this.missing.byNode.get(type);
    if (features) {
      for (const feature of features) {
        const found = feature.test ? feature.test(body, this.scope(inRule)) : true;
        if (found === false) continue;
        const at = typeof found === 'number' && found >= 0 ? found : here;
        report(this.statement, feature, typeof feature.name === 'function' ? feature.name(body) : feature.name, at, this.ctx);
      }
    }
    this.children(body, here, inRule);
  }

  children(value: any, location: number | undefined, insideRule: boolean): void {
    if (Array.isArray(value)) {
      for (const item of value) if (item !== null && typeof item === 'object') this.children(item, location, insideRule);
      return;
    }
    for (const key in value) {
      const child = value[key];
      if (child === null || typeof child !== 'object') continue;
      const code = key.charCodeAt(0);
      if (code >= 65 && code <= 90 && !Array.isArray(child)) {
        if (!LEAVES.has(key)) this.node(key, child, location, insideRule);
      } else {
        const unwrapped = UNWRAPPED[key];
        if (unwrapped) this.node(unwrapped, child, location, insideRule);
        else this.children(child, location, insideRule);
      }
    }
  }

  private scope(insideRule: boolean): Scope {
    if (!this.scopes) {
      const of = (inside: boolean): Scope => ({
        model: this.model,
        insideRule: inside,
        names: () => (this.names ??= namesIn(this.statement.ast, new Set())),
        hasOwnFunction: (name) => (this.functions ??= new Set(this.model.objects('function').map(functionName))).has(name) || mayExistUnseen(this.model as Schema, name),
      });
      this.scopes = [of(false), of(true)];
    }
    return this.scopes[insideRule ? 1 : 0];
  }
}

/** PostgreSQL features newer than lint.postgresVersion. */
export const rule: Rule = {
  id: 'requires-newer-postgres',
  description: 'SQL that needs a newer PostgreSQL than lint.postgresVersion: the parser (PostgreSQL 18) accepts it, the target servers do not.',
  defaultSeverity: 'error',
  kind: 'governance',
  statement(statement, model, ctx) {
    const version = ctx.options.postgresVersion;
    if (version >= NEWEST) return;
    const missing = featuresMissingFrom(version);
    if (!missing.words.test(statement.text)) return;
    new Walk(statement, model, ctx, missing).node(statement.kind, statement.ast, undefined, false);
  },
};

/**
 * The extensions that come with PostgreSQL (contrib, the procedural languages and their
 * transforms): none of them defines a function under one of FUNCTIONS' names (their install
 * scripts say so). Any other extension may.
 */
const POSTGRES_EXTENSIONS = new Set(
  (
    'adminpack amcheck autoinc bloom bool_plperl bool_plperlu btree_gin btree_gist citext cube dblink dict_int dict_xsyn earthdistance ' +
    'file_fdw fuzzystrmatch hstore hstore_plperl hstore_plperlu hstore_plpython3u insert_username intagg intarray isn jsonb_plperl ' +
    'jsonb_plperlu jsonb_plpython3u lo ltree ltree_plpython3u moddatetime old_snapshot pageinspect pg_buffercache pg_freespacemap ' +
    'pg_logicalinspect pg_prewarm pg_stat_statements pg_surgery pg_trgm pg_visibility pg_walinspect pgcrypto pgrowlocks pgstattuple ' +
    'plperl plperlu plpgsql plpython3u pltcl pltclu postgres_fdw refint seg sslinfo tablefunc tcn tsm_system_rows tsm_system_time ' +
    'unaccent uuid-ossp xml2'
  ).split(' '),
);

/**
 * Whether a function of that name may exist where the model cannot see it: an installed extension
 * other than PostgreSQL's own may have created it, or a DO block whose body spells the name.
 */
function mayExistUnseen(s: Schema, name: string): boolean {
  for (const extension of s.extensions) if (!POSTGRES_EXTENSIONS.has(extension)) return true;
  for (let u = s.uncertainties; u !== undefined; u = u.next) if (u.appear && (u.words?.has(name) || u.mentions?.has(name))) return true;
  return false;
}

/** `schema.name(args)` → `name`. */
function functionName(signature: string): string {
  const paren = signature.indexOf('(');
  const qualified = paren < 0 ? signature : signature.slice(0, paren);
  return qualified.slice(qualified.lastIndexOf('.') + 1);
}

function report(statement: LintStatement, feature: Feature, name: string, location: number | undefined, ctx: RuleContext): void {
  const version = ctx.options.postgresVersion;
  const instead = feature.instead && feature.instead.since <= version ? ` (${feature.instead.text})` : '';
  ctx.report({
    at: statement,
    offset: offsetInStatement(statement, location),
    message: `${name.charAt(0).toUpperCase()}${name.slice(1)} needs PostgreSQL ${feature.since} or later; lint.postgresVersion is ${version}, where this statement fails.`,
    help:
      `Rewrite the statement without it${instead}, or raise lint.postgresVersion to ${feature.since} if every server these migrations run on (each environment, CI, developers' databases) has PostgreSQL ${feature.since} or later.` +
      (feature.builtin
        ? ` If the database has a function ${feature.builtin}() of its own that lint cannot see (created before the first migration, or by SQL built at run time), a call without pg_catalog. means that one: say so on the statement with -- pgwarden-ignore requires-newer-postgres <reason>.`
        : ''),
  });
}

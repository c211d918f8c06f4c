/**
 * Quoting for the DDL `docs` writes, as Postgres's `quote_ident` and `quote_literal` do, without a
 * connection (the generated file must not depend on one).
 */

/** Keywords that are not unreserved (Postgres 18 `pg_get_keywords()` with catcode other than U): quoted as names. */
const KEYWORDS = new Set(
  `all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast char character
   check coalesce collate collation column concurrently constraint create cross current_catalog current_date current_role
   current_schema current_time current_timestamp current_user dec decimal default deferrable desc distinct do else end except exists
   extract false fetch float for foreign freeze from full grant greatest group grouping having ilike in initially inner inout int
   integer intersect interval into is isnull join json json_array json_arrayagg json_exists json_object json_objectagg json_query
   json_scalar json_serialize json_table json_value lateral leading least left like limit localtime localtimestamp merge_action
   national natural nchar none normalize not notnull null nullif numeric offset on only or order out outer overlaps overlay placing
   position precision primary real references returning right row select session_user setof similar smallint some substring
   symmetric system_user table tablesample then time timestamp to trailing treat trim true union unique user using values varchar
   variadic verbose when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot
   xmlserialize xmltable`.split(/\s+/),
);

/** A name as SQL must write it: bare when it can be, else double-quoted. */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !KEYWORDS.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

/** `schema.name`, each part quoted as needed. */
export function qualifiedName(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** A string literal (`E'...'` when it holds a backslash, as quote_literal writes it). */
export function quoteLiteral(text: string): string {
  const body = text.replace(/'/g, "''");
  return text.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

/** A role name in GRANT or OWNER: `PUBLIC` stays bare. */
export function roleName(role: string): string {
  return role === 'PUBLIC' ? 'PUBLIC' : quoteIdent(role);
}

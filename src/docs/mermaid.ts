import { compareText } from '../catalog/sort.js';
import type { CatalogSnapshot, ConstraintSnapshot, TableSnapshot } from '../catalog/types.js';

/**
 * A Mermaid `erDiagram` of the tables and their foreign keys, as GitHub renders it. Entity names
 * are the table names (qualified outside `public`, or where two schemas share a name), always
 * quoted: Mermaid's lexer reads keywords case-insensitively at the start of a bare name
 * (`tokens` would start with `to`, `one_time_codes` with `one`). Attribute types are short
 * one-word forms (`timestamptz`, `varchar(255)`). A
 * foreign key is drawn from the referenced table to the referencing one: `||` when its columns
 * are NOT NULL (every row has a parent), `|o` when they may be NULL; `o|` on the referencing side
 * when its columns are unique (at most one child), else `o{`.
 */
export function erDiagram(snapshot: CatalogSnapshot): string[] {
  const tables = Object.entries(snapshot.tables).filter(([, t]) => t.partitionOf === null);
  const names = entityNames(tables.map(([key, t]) => ({ key, schema: t.schema, name: t.name })));
  const lines = ['erDiagram'];
  const relationships: string[] = [];
  for (const [key, table] of tables) {
    for (const fk of table.constraints) {
      if (fk.type !== 'foreign key' || !fk.references) continue;
      const parent = names.get(fk.references.table);
      if (parent === undefined) continue;
      relationships.push(`    ${parent} ${parentCardinality(table, fk)}--${childCardinality(table, fk)} ${names.get(key)} : ${label(fk.columns.join(', '))}`);
    }
  }
  lines.push(...relationships);
  for (const [key, table] of tables) {
    const keys = columnKeys(table);
    lines.push(`    ${names.get(key)} {`);
    for (const column of table.columns) {
      const marks = keys.get(column.name);
      lines.push(`        ${mermaidType(column.type)} ${mermaidName(column.name)}${marks ? ` ${marks}` : ''}`);
    }
    lines.push('    }');
  }
  return lines;
}

/** `||` when the foreign key's columns are all NOT NULL, `|o` when a row may have no parent. */
function parentCardinality(table: TableSnapshot, fk: ConstraintSnapshot): string {
  const nullable = fk.columns.some((name) => table.columns.find((c) => c.name === name)?.nullable ?? true);
  return nullable ? '|o' : '||';
}

/** `o|` when the referencing columns are unique (one child at most per parent), else `o{`. */
function childCardinality(table: TableSnapshot, fk: ConstraintSnapshot): string {
  const wanted = [...fk.columns].sort(compareText).join('\u0000');
  const unique = table.indexes.some((i) => i.unique && i.predicate === null && [...i.keys].sort(compareText).join('\u0000') === wanted);
  return unique ? 'o|' : 'o{';
}

/** `PK`, `FK`, `UK` marks of each column, as Mermaid writes them (`PK, FK`). */
function columnKeys(table: TableSnapshot): Map<string, string> {
  const marks = new Map<string, Set<string>>();
  const add = (column: string, mark: string) => {
    const set = marks.get(column) ?? new Set<string>();
    set.add(mark);
    marks.set(column, set);
  };
  for (const c of table.constraints) {
    if (c.type === 'primary key') for (const column of c.columns) add(column, 'PK');
    else if (c.type === 'foreign key') for (const column of c.columns) add(column, 'FK');
    else if (c.type === 'unique' && c.columns.length === 1) add(c.columns[0]!, 'UK');
  }
  for (const i of table.indexes) if (i.unique && !i.primary && i.keys.length === 1 && i.predicate === null && i.include.length === 0) add(i.keys[0]!, 'UK');
  const order = ['PK', 'FK', 'UK'];
  return new Map([...marks].map(([column, set]) => [column, order.filter((m) => set.has(m)).join(', ')]));
}

/** Quoted entity names: the table name, or `schema.name` outside `public` and where names repeat. */
function entityNames(tables: Array<{ key: string; schema: string; name: string }>): Map<string, string> {
  const counts = new Map<string, number>();
  for (const t of tables) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const t of tables) {
    // A quoted entity name may hold anything but a quote, %, a backslash and control characters.
    let name = (t.schema === 'public' && counts.get(t.name) === 1 ? t.name : `${t.schema}.${t.name}`).replace(/["%\\\u0000-\u001f]/g, '_');
    while (used.has(name)) name = `${name}_`;
    used.add(name);
    out.set(t.key, `"${name}"`);
  }
  return out;
}

/** Words Mermaid reads as key marks inside an entity, whatever their case. */
const KEY_WORDS = /^(pk|fk|uk)$/i;

/** An attribute name as Mermaid reads it: letters, digits, `_` and `-`, starting with a letter or `_`. */
export function mermaidName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_-]/g, '_');
  const word = /^[A-Za-z_]/.test(safe) ? safe : `_${safe}`;
  return KEY_WORDS.test(word) ? `${word}_` : word;
}

const SHORT_TYPES: Array<[RegExp, string]> = [
  [/^timestamp(\(\d+\))? with time zone/, 'timestamptz$1'],
  [/^timestamp(\(\d+\))? without time zone/, 'timestamp$1'],
  [/^time(\(\d+\))? with time zone/, 'timetz$1'],
  [/^time(\(\d+\))? without time zone/, 'time$1'],
  [/^character varying/, 'varchar'],
  [/^character/, 'char'],
  [/^double precision/, 'float8'],
  [/^bit varying/, 'varbit'],
];

/**
 * A column type as one Mermaid word: the short name Postgres also accepts, the schema left out,
 * `(10,2)` written `(10-2)` (a comma would end the attribute), `[]` kept.
 */
export function mermaidType(type: string): string {
  let short = type;
  for (const [pattern, replacement] of SHORT_TYPES) short = short.replace(pattern, replacement);
  short = short.replace(/^"?[^".]*"?\./, '').replace(/"/g, '');
  short = short.replace(/,\s*/g, '-').replace(/\s+/g, '_');
  short = short.replace(/[^A-Za-z0-9_()[\]-]/g, '_');
  const word = /^[A-Za-z]/.test(short) ? short : `t_${short}`;
  return KEY_WORDS.test(word) ? `${word}_` : word;
}

/** A relationship label, quoted (Mermaid takes any text but `"` there). */
function label(text: string): string {
  return `"${text.replace(/"/g, "'")}"`;
}

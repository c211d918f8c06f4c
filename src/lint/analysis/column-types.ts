/**
 * The column types a statement writes (CREATE TABLE columns, ALTER TABLE ADD COLUMN, ALTER COLUMN
 * TYPE), for the type style rules, and the mechanical fix that rewrites a type in the statement.
 */
import type { LintStatement, RuleContext } from '../types.js';
import { alterTableCommands, q } from './ast.js';
import { offsetInStatement } from './positions.js';

/** One type written for a column. */
export interface TypeUse {
  column: string;
  /** The parser's TypeName body. */
  typeName: any;
  /** Last part of the type name as the parser normalises it: `int4`, `bpchar`, `varchar`, `serial`. */
  name: string;
  /** Schema when written (`pg_catalog` for SQL standard spellings like `integer`). */
  schema: string | undefined;
  typmods: number[];
  isArray: boolean;
  /** Offset of the type within the statement text, when known. */
  offset: number | undefined;
  context: 'create table' | 'add column' | 'alter type';
}

const typeUsesCache = new WeakMap<LintStatement, TypeUse[]>();

/** Every column type written by a CREATE TABLE or ALTER TABLE statement (computed once per statement: six rules ask). */
export function typeUses(statement: LintStatement): TypeUse[] {
  let uses = typeUsesCache.get(statement);
  if (!uses) typeUsesCache.set(statement, (uses = computeTypeUses(statement)));
  return uses;
}

function computeTypeUses(statement: LintStatement): TypeUse[] {
  const uses: TypeUse[] = [];
  const add = (columnDef: any, column: string | undefined, context: TypeUse['context']) => {
    const typeName = columnDef?.typeName;
    if (!typeName || typeName.pct_type) return;
    const names: string[] = (typeName.names ?? []).map((n: any) => n?.String?.sval as string);
    uses.push({
      column: column ?? columnDef.colname ?? '?',
      typeName,
      name: names[names.length - 1] ?? '',
      schema: names.length > 1 ? names[names.length - 2] : undefined,
      typmods: ((typeName.typmods ?? []) as any[]).map((m) => m?.A_Const?.ival?.ival ?? 0),
      isArray: Array.isArray(typeName.arrayBounds) && typeName.arrayBounds.length > 0,
      offset: offsetInStatement(statement, typeName.location),
      context,
    });
  };
  if (statement.kind === 'CreateStmt') {
    for (const element of statement.ast.tableElts ?? []) {
      if (element.ColumnDef) add(element.ColumnDef, undefined, 'create table');
    }
  }
  for (const cmd of alterTableCommands(statement)) {
    if (cmd.subtype === 'AT_AddColumn') add(cmd.def?.ColumnDef, undefined, 'add column');
    else if (cmd.subtype === 'AT_AlterColumnType') add(cmd.def?.ColumnDef, cmd.name, 'alter type');
  }
  return uses;
}

const IDENT = `(?:"(?:[^"]|"")*"|[A-Za-z_\\u0080-\\uffff][A-Za-z0-9_$\\u0080-\\uffff]*)`;
/** A written type: dotted name, `varying`/`precision`, modifiers, time zone phrase; then array bounds. */
const TYPE_TEXT = new RegExp(
  `^(${IDENT}(?:\\s*\\.\\s*${IDENT})*(?:\\s+(?:varying|precision))?(?:\\s*\\([^)]*\\))?(?:\\s+(?:with|without)\\s+time\\s+zone)?)` +
    `((?:\\s*\\[\\s*\\d*\\s*\\]|\\s+array\\b(?:\\s*\\[\\s*\\d*\\s*\\])?)*)`,
  'i',
);

/** The written base type (without array bounds) at `offset` of a statement's text. */
export function writtenType(text: string, offset: number): { start: number; end: number; base: string; arrays: string } | undefined {
  const match = TYPE_TEXT.exec(text.slice(offset));
  if (!match) return undefined;
  return { start: offset, end: offset + match[1]!.length, base: match[1]!, arrays: match[2] ?? '' };
}

/** The type as written in the statement (`varchar(100)`, `timestamp without time zone`), for messages. */
export function writtenTypeText(statement: LintStatement, use: TypeUse): string {
  const written = use.offset === undefined ? undefined : writtenType(statement.text, use.offset);
  if (written) return written.base.replace(/\s+/g, ' ');
  return `${use.name}${use.typmods.length > 0 ? `(${use.typmods.join(',')})` : ''}`;
}

/**
 * The statement's text with the base type of each use replaced (array bounds kept), or undefined
 * when a type cannot be located in the text.
 */
export function replaceTypes(statement: LintStatement, replacements: Array<{ use: TypeUse; replacement: string }>): string | undefined {
  const spans: Array<{ start: number; end: number; replacement: string }> = [];
  for (const { use, replacement } of replacements) {
    if (use.offset === undefined) return undefined;
    const written = writtenType(statement.text, use.offset);
    if (!written) return undefined;
    spans.push({ start: written.start, end: written.end, replacement });
  }
  let text = statement.text;
  for (const span of spans.sort((a, b) => b.start - a.start)) text = text.slice(0, span.start) + span.replacement + text.slice(span.end);
  return text;
}

/** What a type rule says about one type use: nothing, or a finding with an optional replacement type. */
export interface TypeVerdict {
  message: string;
  help: string;
  /** The type to write instead (array bounds are kept). */
  replacement?: string;
}

/**
 * Runs a type rule over a statement: reports each offending type at its position, with a fix that
 * rewrites every offending type of the statement when all can be located.
 */
export function reportTypes(statement: LintStatement, ctx: RuleContext, judge: (use: TypeUse) => TypeVerdict | undefined, fixDescription: string): void {
  if (statement.section !== 'up') return;
  const found: Array<{ use: TypeUse; verdict: TypeVerdict }> = [];
  for (const use of typeUses(statement)) {
    const verdict = judge(use);
    if (verdict) found.push({ use, verdict });
  }
  if (found.length === 0) return;
  const fixable = found.filter((f) => f.verdict.replacement !== undefined);
  const replacement = fixable.length === found.length ? replaceTypes(statement, fixable.map((f) => ({ use: f.use, replacement: f.verdict.replacement! }))) : undefined;
  for (const { use, verdict } of found) {
    ctx.report({
      at: statement,
      offset: use.offset,
      message: verdict.message,
      help: verdict.help,
      fix: replacement !== undefined ? { description: fixDescription, replacement, replaces: 'statement' } : undefined,
    });
  }
}

/** `column "c"` or `column "c" of "t"` is too long for messages; rules say `Column "c"`. */
export function columnLabel(use: TypeUse): string {
  return `Column ${q(use.column)}`;
}

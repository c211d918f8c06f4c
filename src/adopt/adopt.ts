import { copyFileSync, existsSync, mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import type { PgwardenConfig } from '../config/types.js';
import { PgwardenError, type Problem } from '../errors.js';
import { checksumOf } from '../migrations/checksum.js';
import { linearHistory } from '../migrations/graph.js';
import { loadMigrations } from '../migrations/load.js';
import { revisionAt, slugOf } from '../migrations/new.js';
import { migrationKindOf } from '../migrations/parse.js';
import { ensureParser, lineColumnAt, parseSql, SqlSyntaxError, type ParsedStatement } from '../sql/parse.js';
import { knownObjects, proposeDown, type KnownObjects, type NotInvertible } from './invert.js';
import { readSourceFolder, type SourceLayout, type SourceMigration } from './sources.js';
import { cannotRunInTransaction, stripOwnTransaction } from './transactions.js';

/** The comment that opens every down section adopt writes. */
export const PROPOSED_DOWN_MARK = '-- Proposed by pgwarden adopt: review before relying on it';

export interface AdoptOptions {
  /** The folder to adopt (absolute, or relative to the working directory). */
  from: string;
  cwd?: string;
  /** The time the numbered files' revisions end at (default now): they get consecutive seconds before it. */
  now?: Date;
}

/** What happens to the down section of an adopted migration. */
export type DownOutcome = 'kept' | 'proposed' | 'incomplete' | 'not needed' | 'script';

/** One migration of the adoption: where it comes from, where it goes, what was changed in it. */
export interface AdoptedMigration {
  /** The folder's own version (`001`, `1700000000000`). */
  version: string;
  /** node-pg-migrate records a migration by this name (file name without extension). */
  sourceName: string;
  /** Source files, relative to the project root. */
  sources: string[];
  /** The file written, relative to the project root. */
  target: string;
  /** Its name without extension (the ledger's `name`). */
  name: string;
  kind: 'sql' | 'js';
  revision: string;
  revises: string | undefined;
  description: string;
  /** `rewritten`: new SQL text; `kept`: a script left as it is; `copied`: a script copied unchanged. */
  action: 'rewritten' | 'kept' | 'copied';
  /** BEGIN/COMMIT statements removed. */
  strippedTransactions: number;
  /** The file got `--! Transaction: none` (it holds CREATE INDEX CONCURRENTLY or the like). */
  transactionNone: boolean;
  down: DownOutcome;
  notInvertible: NotInvertible[];
  /** Things a reviewer should look at. */
  notes: string[];
  /** The new file text. */
  text: string;
  checksum: string;
}

/** What `pgwarden adopt` will do (or did): computed without writing anything. */
export interface AdoptionPlan {
  /** The layout of the source folder; `pgwarden` for a folder already in pgwarden's format (adopted earlier), whose files are kept. */
  layout: SourceLayout | 'pgwarden';
  /** Absolute paths. */
  from: string;
  to: string;
  inPlace: boolean;
  migrations: AdoptedMigration[];
  /** Files of the folder that are not migrations, left alone. */
  ignored: string[];
  /** Source files that the adoption replaces (in place, renamed files), absolute paths. */
  remove: string[];
}

function humanize(slug: string): string {
  const words = slug.replace(/[_\-.]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Migration';
}

/** A description from the file's first comment line, else from its name. */
function describe(m: SourceMigration, leadingComments: string): string {
  const firstComment = `${m.preamble}\n${leadingComments}`
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^--\s*\S/.test(l) && !/^--\s*(\+migrate|migrate:|up migration|down migration)/i.test(l) && !l.startsWith('--!'));
  const fromComment = firstComment?.replace(/^--+\s*/, '').trim();
  if (fromComment && fromComment.length >= 8 && fromComment.length <= 120) return fromComment.replace(/\.$/, '');
  return humanize(m.slug);
}

function commentBlock(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l, i, all) => l.trim().length > 0 || (i > 0 && i < all.length - 1))
    .map((l) => (l.trim().startsWith('--') ? l.replace(/^(\s*)--!/, '$1--') : `-- ${l}`));
}

interface SectionResult {
  sql: string;
  statements: ParsedStatement[] | undefined;
  stripped: number;
  leftOver: string[];
  /** The parser's message and where in the section it points (0-based offset). */
  syntaxError: { message: string; position: number } | undefined;
}

function prepareSection(sql: string): SectionResult {
  let statements: ParsedStatement[];
  try {
    statements = parseSql(sql);
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error;
    return { sql, statements: undefined, stripped: 0, leftOver: [], syntaxError: { message: error.message, position: error.position } };
  }
  const stripped = stripOwnTransaction(sql, statements);
  if (stripped.removed === 0) return { sql, statements, stripped: 0, leftOver: stripped.leftOver, syntaxError: undefined };
  return { sql: stripped.sql, statements: parseSql(stripped.sql), stripped: stripped.removed, leftOver: stripped.leftOver, syntaxError: undefined };
}

function isBlank(sql: string): boolean {
  return sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '').trim().length === 0;
}

/** The down section's text for an up section without one. */
function proposedDownText(up: SectionResult, known: KnownObjects): { text: string; outcome: DownOutcome; notInvertible: NotInvertible[] } {
  if (up.syntaxError || !up.statements) {
    return { text: `-- pgwarden adopt could not parse the up section (${up.syntaxError?.message}): write the down section by hand.\n`, outcome: 'incomplete', notInvertible: [] };
  }
  if (up.statements.length === 0) return { text: '', outcome: 'not needed', notInvertible: [] };
  const proposal = proposeDown(up.statements, known, (s) => lineColumnAt(up.sql, s.start).line);
  if (proposal.notInvertible.length === 0) {
    return { text: `${PROPOSED_DOWN_MARK}\n${proposal.statements.map((s) => `${s};`).join('\n')}\n`, outcome: 'proposed', notInvertible: [] };
  }
  const lines = [
    '-- pgwarden adopt could not write this down section: these statements of the up section have no',
    '-- mechanical inverse:',
    ...proposal.notInvertible.map((n) => `--   ${n.statement}  (${n.reason})`),
    '-- Write the down section, or declare the migration irreversible with "--! Irreversible: <reason>"',
    '-- in the header (pgwarden lint reports require-down until then).',
  ];
  if (proposal.statements.length > 0) {
    lines.push('-- The inverses of the other statements, to start from:', ...proposal.statements.map((s) => `--   ${s};`));
  }
  return { text: `${lines.join('\n')}\n`, outcome: 'incomplete', notInvertible: proposal.notInvertible };
}

/**
 * Plans the adoption of an existing migrations folder into the project's migrations folder: the
 * order, a revision and parent for each migration (node-pg-migrate and timestamped files keep their
 * names and numbers; numbered files get timestamp revisions in the same order and are renamed
 * `<revision>_<slug>.sql`), headers, BEGIN/COMMIT stripped, and a proposed down section where the
 * up section can be inverted mechanically. Writes nothing (see {@link writeAdoption}).
 *
 * @example
 * const plan = await planAdoption(config, { from: 'db/migrations' });
 * writeAdoption(plan);
 */
export async function planAdoption(config: PgwardenConfig, options: AdoptOptions): Promise<AdoptionPlan> {
  const from = resolve(options.cwd ?? process.cwd(), options.from);
  const to = resolve(config.migrationsDir);
  const inPlace = from === to;
  const source = readSourceFolder(from);
  const adopted = source.migrations.find((m) => m.kind === 'sql' && /^\s*--!\s*Revision:/im.test(m.text));
  if (adopted) {
    if (!inPlace) {
      throw new PgwardenError('USAGE', `${relative(config.root, from) || from} is already in pgwarden's format (${basename(adopted.paths[0]!)} has a "--! Revision:" header): point the config's "migrations" at it instead of adopting it.`);
    }
    return adoptedAlready(config, from, source.ignored);
  }
  if (!inPlace && existsSync(to) && readdirSync(to).some((name) => !name.startsWith('.') && migrationKindOf(name) !== undefined)) {
    throw new PgwardenError('USAGE', `${relative(config.root, to)} already holds migrations: adopt into an empty migrations folder, or adopt ${relative(config.root, to)} itself in place.`);
  }
  await ensureParser();
  const keepNames = source.layout === 'node-pg-migrate';
  const now = options.now ?? new Date();
  const known = knownObjects();
  const migrations: AdoptedMigration[] = [];
  const rel = (p: string) => relative(config.root, p).split('\\').join('/');
  let previous: string | undefined;
  // SQL the Postgres parser refuses: every one is reported at once, at its line in the source file,
  // and nothing is written or recorded (a file that does not parse cannot be proven or inverted).
  const unparsable: Problem[] = [];
  const refuse = (section: SectionResult, file: string, text: string, offset: number, name: 'up' | 'down') => {
    if (!section.syntaxError) return;
    const at = lineColumnAt(text, offset + section.syntaxError.position);
    unparsable.push({ file: rel(file), line: at.line, column: at.column, message: `${section.syntaxError.message} (the ${name} section): fix the SQL, then adopt again` });
  };
  source.migrations.forEach((m, index) => {
    const revision = keepNames ? m.version : revisionAt(new Date(now.getTime() - (source.migrations.length - index) * 1000));
    const notes: string[] = [];
    if (m.kind === 'js') {
      const target = join(to, basename(m.paths[0]!));
      migrations.push({
        version: m.version,
        sourceName: m.name,
        sources: m.paths.map(rel),
        target: rel(target),
        name: m.name,
        kind: 'js',
        revision,
        revises: previous,
        description: humanize(m.slug),
        action: inPlace ? 'kept' : 'copied',
        strippedTransactions: 0,
        transactionNone: false,
        down: 'script',
        notInvertible: [],
        notes: ['node-pg-migrate script: runs as it is (its parent is the file before it)'],
        text: m.text,
        checksum: checksumOf(m.text),
      });
      previous = revision;
      return;
    }
    const up = prepareSection(m.up);
    const downSource = m.down !== undefined && !isBlank(m.down) ? prepareSection(m.down) : undefined;
    if (up.stripped + (downSource?.stripped ?? 0) > 0) notes.push(`removed ${up.stripped + (downSource?.stripped ?? 0)} BEGIN/COMMIT statement(s): pgwarden runs each migration in its own transaction`);
    for (const left of [...up.leftOver, ...(downSource?.leftOver ?? [])]) notes.push(`left "${left}" in place: look at it (pgwarden lint reports transaction-nesting)`);
    refuse(up, m.paths[0]!, m.text, Math.max(0, m.text.indexOf(m.up, m.preamble.length)), 'up');
    if (downSource && m.down !== undefined) {
      // The down section is the end of the file, or a file of its own (golang-migrate, Flyway undo).
      if (m.paths.length > 1) refuse(downSource, m.paths[1]!, m.down, 0, 'down');
      else refuse(downSource, m.paths[0]!, m.text, m.text.length - m.down.length, 'down');
    }
    const transactionNone = (up.statements ?? []).some(cannotRunInTransaction);
    if (transactionNone) notes.push('holds a statement that cannot run in a transaction: marked "--! Transaction: none"');
    let down: DownOutcome;
    let downText: string;
    let notInvertible: NotInvertible[] = [];
    if (downSource) {
      down = 'kept';
      downText = `${downSource.sql.trim()}\n`;
      // Still record what this migration creates, for CREATE OR REPLACE in later ones.
      if (up.statements) proposeDown(up.statements, known);
    } else {
      const proposed = proposedDownText(up, known);
      down = proposed.outcome;
      downText = proposed.text;
      notInvertible = proposed.notInvertible;
      if (down === 'proposed') notes.push('down section proposed: review it');
      if (down === 'incomplete') notes.push(`no down section: ${notInvertible.length || 'some'} statement(s) have no mechanical inverse`);
    }
    const leading = up.statements?.[0]?.leadingComments ?? '';
    const description = describe(m, leading);
    const fileName = keepNames ? `${m.name}.sql` : `${revision}_${slugOf(m.slug)}.sql`;
    const target = join(to, fileName);
    const lines = [
      `--! Revision: ${revision}`,
      ...(previous ? [`--! Revises: ${previous}`] : []),
      `--! Description: ${description}`,
      ...(transactionNone ? ['--! Transaction: none'] : []),
      '--',
      `-- Adopted by pgwarden from ${m.paths.map((p) => basename(p)).join(' and ')}.`,
      ...commentBlock(m.preamble),
      '',
      '-- Up Migration',
      up.sql.replace(/^\s*\n/, '').trimEnd(),
      '',
      ...(down === 'not needed' ? [] : ['-- Down Migration', downText.trimEnd(), '']),
    ];
    const text = lines.join('\n');
    migrations.push({
      version: m.version,
      sourceName: m.name,
      sources: m.paths.map(rel),
      target: rel(target),
      name: fileName.slice(0, fileName.length - extname(fileName).length),
      kind: 'sql',
      revision,
      revises: previous,
      description,
      action: 'rewritten',
      strippedTransactions: up.stripped + (downSource?.stripped ?? 0),
      transactionNone,
      down,
      notInvertible,
      notes,
      text,
      checksum: checksumOf(text),
    });
    previous = revision;
  });
  if (unparsable.length > 0) {
    const first = unparsable[0]!;
    throw new PgwardenError(
      'MIGRATION_INVALID',
      `${unparsable.length} migration section${unparsable.length === 1 ? '' : 's'} of ${rel(from) || '.'} do${unparsable.length === 1 ? 'es' : ''} not parse (the first: ${first.file}:${first.line}): fix each one listed, then adopt again. Nothing was written or recorded.`,
      { problems: unparsable },
    );
  }
  const targets = new Set(migrations.map((m) => resolve(config.root, m.target)));
  const remove = inPlace ? source.migrations.flatMap((m) => m.paths).filter((p) => !targets.has(p)) : [];
  return { layout: source.layout, from, to, inPlace, migrations, ignored: source.ignored, remove };
}

/**
 * The plan for a folder adopted earlier (every file kept as it is), so that another database can
 * be marked: each file's original name and number come from its "Adopted by pgwarden from" line.
 */
function adoptedAlready(config: PgwardenConfig, dir: string, ignored: string[]): AdoptionPlan {
  const rel = (p: string) => relative(config.root, p).split('\\').join('/');
  const ordered = linearHistory(loadMigrations(dir), config.root);
  const migrations: AdoptedMigration[] = ordered.map((file) => {
    const original = /^--\s*Adopted by pgwarden from (\S+?)(?: and \S+)?\.\s*$/m.exec(file.text)?.[1];
    const sourceName = original ? original.slice(0, original.length - extname(original).length) : file.name;
    const version = /^[VU](\d+(?:[._]\d+)*)__/.exec(sourceName)?.[1] ?? /^(\d+)/.exec(sourceName)?.[1] ?? file.revision;
    return {
      version,
      sourceName: sourceName.replace(/\.up$/i, ''),
      sources: [rel(file.path)],
      target: rel(file.path),
      name: file.name,
      kind: file.kind,
      revision: file.revision,
      revises: file.revises,
      description: file.description,
      action: 'kept',
      strippedTransactions: 0,
      transactionNone: file.transaction === 'none',
      down: file.kind === 'js' ? 'script' : 'kept',
      notInvertible: [],
      notes: ['adopted earlier: kept as it is'],
      text: file.text,
      checksum: file.checksum,
    };
  });
  return { layout: 'pgwarden', from: dir, to: dir, inPlace: true, migrations, ignored, remove: [] };
}

/** Writes the planned files (and, in place, removes the files they replace). */
export function writeAdoption(config: PgwardenConfig, plan: AdoptionPlan): void {
  mkdirSync(plan.to, { recursive: true });
  for (const m of plan.migrations) {
    const target = resolve(config.root, m.target);
    if (m.action === 'kept') continue;
    if (m.action === 'copied') copyFileSync(resolve(config.root, m.sources[0]!), target);
    else writeFileSync(target, m.text);
  }
  for (const path of plan.remove) unlinkSync(path);
}

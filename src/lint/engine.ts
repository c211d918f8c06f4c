/**
 * The lint engine: parses every migration with the Postgres parser, replays the history into the
 * schema model and runs the rules, statement by statement and migration by migration, in history
 * order. Findings are values; only a broken environment throws.
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { buildGraph, type RevisionGraph } from '../migrations/graph.js';
import { compareFileNames } from '../migrations/load.js';
import { parseMigration } from '../migrations/parse.js';
import type { MigrationFile, MigrationSection } from '../migrations/types.js';
import type { ParsedStatement } from '../sql/parse.js';
import type { ScriptOutcome } from './script-evaluation.js';
import type { ScriptInput } from './script-inputs.js';
import { DEFAULT_POSTGRES_VERSION, resolveLintConfig, severityOf, startAfterFor, type LintConfigResolved } from './config.js';
import { findIgnores, suppresses, type IgnoreDirective } from './ignore.js';
import { emptySchema, type Schema } from './model/schema.js';
import { loadParser } from './parser.js';
import { parseSectionWith, sectionKey } from './parse-sections.js';
import { callEnd } from './script-calls.js';
import { absoluteUnder, relativePosix } from './paths.js';
import { countBySeverity, toPosix, type LintReport } from './report.js';
import type { Finding, Fix, FindingTarget, FixInput, LintMigration, LintStatement, ReportInput, Rule, RuleContext, Severity, TextEdit } from './types.js';
import { clockMs, trace } from '../trace.js';

export type { LintConfigResolved } from './config.js';

export { countBySeverity, type LintReport } from './report.js';

/**
 * A source file to lint: a path (relative to root, or absolute) and its text. The text is what is
 * linted, for a JS/TS migration too: when it differs from the file at `path` (or there is none),
 * it is evaluated in the file's place, its relative imports resolved from the file's folder.
 */
export interface LintSource {
  path: string;
  text: string;
}

/** Parsed sections, cached by the engine's callers (see cache.ts) so that a re-run parses only what changed. */
export interface ParseCache {
  get(key: string): ParsedSection | undefined;
  set(key: string, value: ParsedSection): void;
}

/** A section's statements, or the syntax error Postgres reported (position: offset in the section). */
export type ParsedSection = { statements: ParsedStatement[] } | { error: { message: string; position: number } };

export interface LintSourcesOptions {
  /** Project root: file paths in findings are relative to it. Default: the working directory. */
  root?: string;
  /** Lint settings (severity per rule, start-after, Postgres version, runner behaviour). */
  config?: Partial<LintConfigResolved>;
  /** The rules to run (default: the registry). */
  rules?: readonly Rule[];
  parseCache?: ParseCache;
  /** Report findings only for these files (paths relative to root); the whole history is still replayed. */
  only?: ReadonlySet<string>;
  /** Rules whose findings are reported on every file all the same (the structure of the history). */
  wholeHistoryRules?: ReadonlySet<string>;
  /**
   * For a run on the whole history: the files (relative to root) not yet committed, asked only when
   * the history branched, so that single-head blames a new migration rather than a merged one. A run
   * on some files (`only`) blames those.
   */
  newFiles?: () => Promise<ReadonlySet<string> | undefined>;
  /** Models after unchanged prefixes of the history, so a run on a staged file need not replay them. */
  snapshots?: SnapshotStore;
  /** Files parsed in a worker meanwhile (see preparse.ts): their paths (absolute), and their sections by cache key. */
  preparsed?: { files: ReadonlySet<string>; sections: Promise<ReadonlyMap<string, ParsedSection>> };
  /**
   * Filled with the files the JS/TS migrations read while lint evaluated them (script-inputs.ts),
   * and those the stored model the run started from depends on: what a result kept for this run
   * must be checked against.
   */
  scriptInputs?: ScriptInputs;
}

/**
 * The files JS/TS migrations read while lint evaluated them: path relative to root (forward
 * slashes) and what it held (script-inputs.ts). The migrations' own files are not among them (their
 * text is linted, and known). `complete` is false when an evaluation stopped before the end: what
 * that script read is not all known, and nothing of the run should be kept.
 */
export interface ScriptInputs {
  files: Map<string, ScriptInput>;
  complete: boolean;
}

/** A stored model (see SnapshotStore): the schema, and the files the scripts of its prefix read. */
interface StoredModel {
  schema: unknown;
  inputs: ScriptInput[];
}

/**
 * Stores models after a prefix of the history (see model/snapshot.ts). Keys chain the prefix's
 * files (path and checksum) onto `seed`, which must change with anything else the model depends on.
 */
export interface SnapshotStore {
  readonly seed: string;
  get(key: string): unknown;
  set(key: string, snapshot: unknown): void;
}

/** Where runRules starts and where it reports the model (`after` = number of migrations replayed). */
export interface ReplayOptions {
  scope?: ReadonlySet<string> | undefined;
  /** Rules whose findings are kept on files outside the scope too. */
  wholeHistoryRules?: ReadonlySet<string> | undefined;
  /** Start after `index` migrations, from this model (a snapshot of that prefix). */
  start?: { index: number; model: Schema } | undefined;
  /** Called with the model after replaying `after` migrations, for each `after` listed. */
  checkpoints?: ReadonlySet<number>;
  onCheckpoint?: (after: number, model: Schema) => void;
}


/** Line starts of a text, to turn offsets into 1-based line and column quickly. */
class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
  /** The offset of a 1-based line and column (clamped to the text's lines). */
  offset(line: number, column: number): number {
    return this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1]! + column - 1;
  }
}

async function parseSection(sql: string, cacheKey: string | undefined, cache: ParseCache | undefined, preparsed?: ReadonlyMap<string, ParsedSection>): Promise<ParsedSection> {
  const ahead = cacheKey !== undefined ? preparsed?.get(cacheKey) : undefined;
  if (ahead) {
    cache?.set(cacheKey!, ahead);
    return ahead;
  }
  const hit = cacheKey !== undefined ? cache?.get(cacheKey) : undefined;
  if (hit) return hit;
  const result = parseSectionWith(await loadParser(), sql);
  if (cacheKey !== undefined) cache?.set(cacheKey, result);
  return result;
}

/** Where a statement sits in its file: the offset of its start, and its span (1-based, end exclusive). */
interface Placement {
  fileOffset: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

function lintStatement(migration: LintMigration, section: 'up' | 'down', index: number, s: ParsedStatement, at: Placement): LintStatement {
  return { kind: s.kind, ast: s.ast, text: s.text, start: s.start, end: s.end, leadingComments: s.leadingComments, leadingStart: s.leadingStart, migration, section, index, ...at };
}

/** The statements of a SQL section, at their place in the file. */
function positioned(migration: LintMigration, lines: LineIndex, section: 'up' | 'down', statements: ParsedStatement[], sectionOffset: number): LintStatement[] {
  return statements.map((s, index) => {
    const fileOffset = sectionOffset + s.start;
    const start = lines.at(fileOffset);
    const end = lines.at(sectionOffset + s.end);
    return lintStatement(migration, section, index, s, { fileOffset, line: start.line, column: start.column, endLine: end.line, endColumn: end.column });
  });
}

/**
 * Qualified names of the tables a list of statements creates (unqualified names in `public`), under
 * the name they end with: a table created and then renamed counts under its new name.
 */
function createdTablesOf(statements: readonly LintStatement[]): Set<string> {
  const out = new Set<string>();
  for (const s of statements) {
    const rel = s.kind === 'CreateStmt' ? s.ast.relation : s.kind === 'CreateTableAsStmt' && s.ast.objtype !== 'OBJECT_MATVIEW' ? s.ast.into?.rel : undefined;
    if (rel?.relname) out.add(`${rel.schemaname ?? 'public'}.${rel.relname}`);
    if (s.kind === 'RenameStmt' && s.ast.renameType === 'OBJECT_TABLE' && s.ast.relation?.relname && s.ast.newname) {
      const schema = s.ast.relation.schemaname ?? 'public';
      if (out.delete(`${schema}.${s.ast.relation.relname}`)) out.add(`${schema}.${s.ast.newname}`);
    }
  }
  return out;
}

async function prepareMigration(file: MigrationFile, relPath: string, order: number, cache: ParseCache | undefined, preparsed?: ReadonlyMap<string, ParsedSection>, script?: Promise<ScriptOutcome>): Promise<LintMigration> {
  const migration: LintMigration = { file, relPath, order, up: [], down: [], syntaxErrors: [], createdTables: new Set() };
  const lines = new LineIndex(file.text);
  if (file.kind === 'sql') {
    for (const name of ['up', 'down'] as const) {
      const section: MigrationSection | undefined = file[name];
      if (!section) continue;
      const parsed = await parseSection(section.sql, sectionKey(file, name), cache, preparsed);
      if ('error' in parsed) {
        const at = lines.at(section.offset + parsed.error.position);
        migration.syntaxErrors.push({ section: name, message: parsed.error.message, ...at });
      } else {
        migration[name] = positioned(migration, lines, name, parsed.statements, section.offset);
      }
    }
  } else if (script) {
    await prepareScript(migration, lines, cache, await script);
  }
  migration.createdTables = createdTablesOf(migration.up);
  return migration;
}

/**
/**
 * JS/TS migrations: their SQL, produced offline by node-pg-migrate's MigrationBuilder in lint's
 * script worker (script-evaluation.ts). Each statement sits at the call in the file that produced
 * it (a pgm call, or the migration's call into a helper that made it: runner/steps.ts), spanning
 * that call; line 1 when no stack frame was in the file. A failed script sits on line 1, but a call
 * to pgm.db, which sits where the script calls it. The script linted is the text given (for
 * `--staged`, the index's): when the file on disk differs, that text is evaluated in its place
 * (runner/steps.ts).
 */
async function prepareScript(migration: LintMigration, lines: LineIndex, cache: ParseCache | undefined, outcome: ScriptOutcome): Promise<void> {
  const { file } = migration;
  if (outcome.load !== undefined) {
    migration.syntaxErrors.push({ section: 'up', message: outcome.load, line: 1, column: 1 });
    return;
  }
  // Calls made on one line (a loop, a helper called twice) share a placement.
  const placements = new Map<string, Placement>();
  const placementOf = (call: { line: number; column: number } | undefined): Placement => {
    const { line, column } = call ?? { line: 1, column: 1 };
    const key = `${line}:${column}`;
    let placement = placements.get(key);
    if (!placement) {
      const fileOffset = lines.offset(line, column);
      const end = call ? lines.at(callEnd(file.text, fileOffset)) : { line: 1, column: 1 };
      placement = { fileOffset, line, column, endLine: end.line, endColumn: end.column };
      placements.set(key, placement);
    }
    return placement;
  };
  for (const name of ['up', 'down'] as const) {
    const section = outcome[name];
    if (!section || 'none' in section) continue;
    if ('error' in section) {
      const refusal = section.pgmDb;
      if (refusal) migration.syntaxErrors.push({ section: name, message: section.error, line: refusal.line ?? 1, column: refusal.column ?? 1, pgmDb: refusal.method });
      else if (name === 'up') migration.syntaxErrors.push({ section: name, message: section.error, line: 1, column: 1 });
      continue;
    }
    if (name === 'up' && !section.transactional) file.transaction = 'none';
    const statements: LintStatement[] = [];
    for (const step of section.steps) {
      const parsed = await parseSection(step.sql, undefined, cache);
      const at = placementOf(step.call);
      if ('error' in parsed) migration.syntaxErrors.push({ section: name, message: parsed.error.message, line: at.line, column: at.column });
      else for (const s of parsed.statements) statements.push(lintStatement(migration, name, statements.length, s, at));
    }
    migration[name] = statements;
  }
}

function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

/** Orders files for the run: the graph's order, then whatever the graph could not place. */
function historyOrder(files: MigrationFile[], graph: RevisionGraph): MigrationFile[] {
  const placed = new Set(graph.ordered);
  return [...graph.ordered, ...files.filter((f) => !placed.has(f))];
}

export async function defaultRules(): Promise<readonly Rule[]> {
  return (await import('./registry.js')).rules;
}

/**
 * Lints a set of migration files as one history. The testing entry point and the core of
 * `pgwarden lint`.
 *
 * @example
 * const report = await lintSources([{ path: 'migrations/20260101000000_init.sql', text }], { root: '/repo' });
 */
export async function lintSources(sources: ReadonlyArray<LintSource>, options: LintSourcesOptions = {}): Promise<LintReport> {
  const started = clockMs();
  const root = options.root ?? process.cwd();
  const config = resolveLintConfig(undefined, options.config);
  const files = sources
    .map((source) => parseMigration(absoluteUnder(root, source.path), source.text))
    .sort((a, b) => compareFileNames(a.fileName, b.fileName));
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    if (file.kind === 'js' && file.implicitParent) file.revises = i > 0 ? files[i - 1]!.revision : undefined;
  }
  trace(`lint: ${files.length} headers parsed`);
  const isNewIn = (set: ReadonlySet<string>) => (file: MigrationFile) => set.has(relativePosix(root, file.path));
  let graph = buildGraph(files, options.only ? { isNew: isNewIn(options.only) } : {});
  if (!options.only && options.newFiles && graph.problems.some((p) => p.kind === 'multiple-heads')) {
    const fresh = await options.newFiles();
    if (fresh && fresh.size > 0) graph = buildGraph(files, { isNew: isNewIn(fresh) });
  }
  const ordered = historyOrder(files, graph);
  const relPaths = ordered.map((file) => relativePosix(root, file.path));
  // No file reported on (`check --staged` on a commit that only deletes one): only the rules on the
  // history's structure can report, and no SQL is needed.
  const inScope = !options.only || relPaths.some((path) => options.only!.has(path));
  // What the JS/TS migrations read while evaluated, by migration (see ScriptInputs), and whether all of it is known.
  const reads: Array<readonly ScriptInput[] | undefined> = [];
  const known = { complete: true };
  let startInputs: ScriptInput[] | undefined;
  const inputsBefore = (after: number) => (known.complete ? inputsOf(reads.slice(0, after), startInputs) : undefined);
  const plan = inScope ? await snapshotPlan(ordered, relPaths, root, options, inputsBefore) : undefined;
  startInputs = plan?.inputs;
  const replay: ReplayOptions = { ...(plan ? plan.replay : { scope: options.only }), wholeHistoryRules: options.wholeHistoryRules };
  trace(replay.start ? `lint: model snapshot loaded (migration ${replay.start.index})` : 'lint: replay from the start');
  // The scripts the run needs (those after the stored model), evaluated in the script worker meanwhile, in history order.
  const scripts = new Map<number, Promise<ScriptOutcome>>();
  const from = replay.start?.index ?? 0;
  const toEvaluate = inScope ? ordered.flatMap((file, i) => (i >= from && file.kind === 'js' ? [i] : [])) : [];
  if (toEvaluate.length > 0) {
    const [{ evaluateScripts }, { textState }] = await Promise.all([import('./script-evaluation.js'), import('./script-inputs.js')]);
    const outcomes = await evaluateScripts(toEvaluate.map((i) => ({ path: ordered[i]!.path, text: ordered[i]!.text })));
    const sources = new Map(toEvaluate.map((i) => [relPaths[i]!, ordered[i]!.text]));
    toEvaluate.forEach((i, n) => {
      scripts.set(
        i,
        outcomes[n]!.then((outcome) => {
          if (outcome.incomplete) known.complete = false;
          const own: ScriptInput[] = [];
          for (const [path, state] of outcome.reads) {
            const relPath = relativePosix(root, path);
            // A migration's own file, read as its text: the text is an input already.
            const text = sources.get(relPath);
            if (text !== undefined && state === textState(text)) continue;
            own.push([relPath, state, relPaths[i]!]);
          }
          reads[i] = own;
          return outcome;
        }),
      );
    });
    trace(`lint: ${toEvaluate.length} JS/TS migrations sent to the script worker`);
  }
  // The worker's results are awaited at the first file it parses: the files before it are parsed here meanwhile.
  let preparsed: ReadonlyMap<string, ParsedSection> | undefined;
  const migrations: LintMigration[] = [];
  for (const [i, file] of ordered.entries()) {
    // Migrations the snapshot covers are not parsed: their effect is in its model.
    if (!inScope || (replay.start && i < replay.start.index)) {
      migrations.push(bareMigration(file, relPaths[i]!, i));
      continue;
    }
    if (!preparsed && options.preparsed?.files.has(file.path)) preparsed = await options.preparsed.sections;
    migrations.push(await prepareMigration(file, relPaths[i]!, i, options.parseCache, preparsed, scripts.get(i)));
  }
  if (options.scriptInputs) {
    for (const input of inputsOf(reads, startInputs)) if (!options.scriptInputs.files.has(input[0])) options.scriptInputs.files.set(input[0], input);
    if (!known.complete) options.scriptInputs.complete = false;
  }
  trace('lint: SQL parsed');
  const findings = runRules(migrations, graph, options.rules ?? (await defaultRules()), config, replay);
  trace('lint: rules run');
  const reported = options.only ? findings.filter((f) => options.only!.has(f.file) || options.wholeHistoryRules?.has(f.rule)) : findings;
  return {
    findings: reported,
    counts: countBySeverity(reported),
    files: options.only ? [...options.only] : migrations.map((m) => m.relPath),
    migrations: migrations.length,
    durationMs: clockMs() - started,
    cached: false,
  };
}

/** A migration whose statements lint does not need (a snapshot holds their effect). */
function bareMigration(file: MigrationFile, relPath: string, order: number): LintMigration {
  return { file, relPath, order, up: [], down: [], syntaxErrors: [], createdTables: new Set() };
}

/** The files of `inputs` (a stored model's) and of each migration's `reads`, once each. */
function inputsOf(reads: ReadonlyArray<readonly ScriptInput[] | undefined>, inputs: readonly ScriptInput[] = []): ScriptInput[] {
  const all = new Map<string, ScriptInput>(inputs.map((input) => [input[0], input]));
  for (const own of reads) for (const input of own ?? []) if (!all.has(input[0])) all.set(input[0], input);
  return [...all.values()];
}

/**
 * For a run on some files: start from the snapshot of the history before the first of them, when
 * one is stored and the files its scripts read are unchanged, and store the snapshots this run can
 * give (before that file, and at the end), each with the files its scripts read (`inputsBefore`,
 * undefined when that is not all known: nothing is stored then).
 */
async function snapshotPlan(
  ordered: readonly MigrationFile[],
  relPaths: readonly string[],
  root: string,
  options: LintSourcesOptions,
  inputsBefore: (after: number) => ScriptInput[] | undefined,
): Promise<{ replay: ReplayOptions; inputs?: ScriptInput[] }> {
  const store = options.snapshots;
  const scope = options.only;
  if (!store) return { replay: { scope } };
  const { createHash } = await import('node:crypto');
  // The key of the model after the first n files: one hash over their paths and checksums.
  const keyAfter = (n: number) => {
    const hash = createHash('sha256').update(store.seed);
    for (let i = 0; i < n; i++) hash.update(`\n${relPaths[i]!}\0${ordered[i]!.checksum}`);
    return hash.digest('hex');
  };
  const first = scope ? relPaths.findIndex((p) => scope.has(p)) : -1;
  let start: ReplayOptions['start'];
  let inputs: ScriptInput[] | undefined;
  if (first > 0) {
    const stored = store.get(keyAfter(first)) as Partial<StoredModel> | undefined;
    const valid = Array.isArray(stored?.inputs) && (stored.inputs.length === 0 || (await import('./script-inputs.js')).inputsUnchanged(root, stored.inputs));
    const { fromSnapshot } = await import('./model/snapshot.js');
    const model = valid ? fromSnapshot(stored!.schema) : undefined;
    if (model) {
      start = { index: first, model };
      inputs = stored!.inputs;
    }
  }
  // A whole-history run keeps the model at its end; a run on some files the one before the first
  // of them (its end includes the files being edited, which will change).
  const checkpoints = new Set(scope ? (first > 0 && !start ? [first] : []) : [ordered.length]);
  const { toSnapshot } = await import('./model/snapshot.js');
  const onCheckpoint = (after: number, model: Schema) => {
    const before = inputsBefore(after);
    if (before) store.set(keyAfter(after), { schema: toSnapshot(model), inputs: before } satisfies StoredModel);
  };
  return { replay: { scope, start, checkpoints, onCheckpoint }, ...(inputs ? { inputs } : {}) };
}

/**
 * Runs the rules over prepared migrations: history hooks, then each migration in order (statement
 * hooks with the model just before each statement, migration hooks with the models before and
 * after up and after down), then ignores and start-after.
 */
export function runRules(migrations: readonly LintMigration[], graph: RevisionGraph, rules: readonly Rule[], config: LintConfigResolved, replay: ReplayOptions = {}): Finding[] {
  const { scope } = replay;
  const active = rules.map((rule) => ({ rule, severity: severityOf(rule, config) })).filter((r): r is { rule: Rule; severity: Severity } => r.severity !== 'off');
  const raw: Finding[] = [];
  const byFile = new Map<MigrationFile, LintMigration>(migrations.map((m) => [m.file, m]));
  const contextFor = (rule: Rule, severity: Severity): RuleContext => ({
    options: config,
    graph,
    migrations,
    migrationOf: (file) => byFile.get(file),
    report: (input: ReportInput) => raw.push(findingOf(rule.id, severity, input)),
  });
  const contexts = active.map(({ rule, severity }) => ({ rule, ctx: contextFor(rule, severity) }));
  for (const { rule, ctx } of contexts) rule.history?.(ctx);

  const hooksFor = statementHooks(contexts);
  const migrationRules = contexts.filter((c) => c.rule.migration);
  const model: Schema = replay.start?.model ?? emptySchema();
  const checkpoint = (after: number) => {
    if (replay.checkpoints?.has(after)) replay.onCheckpoint?.(after, model);
  };
  for (let i = replay.start?.index ?? 0; i < migrations.length; i++) {
    const migration = migrations[i]!;
    checkpoint(i);
    // A section that does not parse (or a script that failed to build its SQL) did something the model cannot see.
    const upUnseen = migration.syntaxErrors.some((e) => e.section === 'up');
    if (scope && !scope.has(migration.relPath)) {
      // Outside the reported files only the model matters: replay up, call no hook.
      if (upUnseen) model.applyUnseen(migration, 'up');
      for (const statement of migration.up) model.apply(statement);
      continue;
    }
    // The rules see the first statement in the session as the migration starts it.
    model.enter(migration);
    const before = migrationRules.length > 0 ? model.clone() : model;
    if (upUnseen) model.applyUnseen(migration, 'up');
    for (const statement of migration.up) {
      const hooks = hooksFor('up', statement.kind);
      for (let h = 0; h < hooks.length; h++) hooks[h]!.call(statement, model);
      model.apply(statement);
    }
    // The live model is afterUp during the migration hooks; down is replayed on a clone of it.
    const afterUp = model;
    let afterDown: Schema | undefined;
    if (migration.down.length > 0) {
      afterDown = model.clone();
      if (migration.syntaxErrors.some((e) => e.section === 'down')) afterDown.applyUnseen(migration, 'down');
      for (const statement of migration.down) {
        const hooks = hooksFor('down', statement.kind);
        for (let h = 0; h < hooks.length; h++) hooks[h]!.call(statement, afterDown);
        afterDown.apply(statement);
      }
      // A down section that does not parse cannot be compared with anything.
      if (migration.syntaxErrors.some((e) => e.section === 'down')) afterDown = undefined;
    }
    for (const { rule, ctx } of migrationRules) rule.migration!(migration, { before, afterUp, afterDown }, ctx);
  }
  checkpoint(migrations.length);
  if (!scope) return finish(raw, migrations, rules, config);
  const kept = raw.filter((f) => scope.has(f.file) || replay.wholeHistoryRules?.has(f.rule));
  // The files with a finding kept apply their ignores too.
  const judged = new Set(kept.map((f) => f.file));
  return finish(
    kept,
    migrations.filter((m) => scope.has(m.relPath) || judged.has(m.relPath)),
    rules,
    config,
    migrations,
  );
}

/** A rule's statement hook bound to its context. */
interface StatementHook {
  call(statement: LintStatement, model: Schema): void;
}

/**
 * The statement hooks to call for a section and a statement kind, in registry order: the rules
 * whose `sections` and `statementKinds` admit it. Built once per kind and section, so that each
 * statement calls only the rules that look at it.
 */
function statementHooks(contexts: ReadonlyArray<{ rule: Rule; ctx: RuleContext }>): (section: 'up' | 'down', kind: string) => readonly StatementHook[] {
  const withHook = contexts.filter((c) => c.rule.statement);
  const built = new Map<string, StatementHook[]>();
  return (section, kind) => {
    const key = `${section} ${kind}`;
    let hooks = built.get(key);
    if (!hooks) {
      hooks = withHook
        .filter(({ rule }) => (!rule.sections || rule.sections.includes(section)) && (!rule.statementKinds || rule.statementKinds.includes(kind)))
        .map(({ rule, ctx }) => ({ call: (statement, model) => rule.statement!(statement, model, ctx) }));
      built.set(key, hooks);
    }
    return hooks;
  };
}

function findingOf(rule: string, severity: Severity, input: ReportInput): Finding {
  const at: FindingTarget = input.at;
  const fix = input.fix ? fixOf(at, input.fix) : undefined;
  const base = { rule, severity, message: input.message, ...(input.help !== undefined ? { help: input.help } : {}), ...(fix !== undefined ? { fix } : {}) };
  if ('section' in at) {
    const point = input.offset !== undefined && at.migration.file.kind === 'sql' ? pointInStatement(at, input.offset) : undefined;
    if (point) return { ...base, file: at.migration.relPath, ...point, endLine: at.endLine, endColumn: at.endColumn };
    return { ...base, file: at.migration.relPath, line: at.line, column: at.column, endLine: at.endLine, endColumn: at.endColumn };
  }
  return { ...base, file: at.migration.relPath, line: at.line, column: at.column ?? 1 };
}

/** A rule's fix with its edit: the region its replacement replaces, in SQL files. */
function fixOf(at: FindingTarget, input: FixInput): Fix {
  const { replaces, ...fix } = input;
  const file = at.migration.file;
  if (replaces === undefined || fix.replacement === undefined || file.kind !== 'sql') return fix;
  let edit: TextEdit | undefined;
  if (replaces === 'statement') {
    if ('section' in at) edit = { startLine: at.line, startColumn: at.column, endLine: at.endLine, endColumn: at.endColumn, text: fix.replacement };
  } else {
    const field = file.header.find((h) => h.key === replaces.header);
    if (field) {
      const line = lineText(file.text, field.line);
      edit = { startLine: field.line, startColumn: 1, endLine: field.line, endColumn: line.length + 1, text: fix.replacement };
    } else {
      const after = file.header.reduce((last, h) => Math.max(last, h.line), 0) + 1;
      edit = { startLine: after, startColumn: 1, endLine: after, endColumn: 1, text: `${fix.replacement}\n` };
    }
  }
  return edit ? { ...fix, edit } : fix;
}

/** The text of a 1-based line, without its line ending. */
function lineText(text: string, line: number): string {
  let start = 0;
  for (let i = 1; i < line; i++) start = text.indexOf('\n', start) + 1;
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}

/** Line and column of a character offset within a statement's text (ReportInput.offset). */
function pointInStatement(statement: LintStatement, offset: number): { line: number; column: number } | undefined {
  if (offset < 0 || offset > statement.text.length) return undefined;
  const before = statement.text.slice(0, offset);
  const lastNewline = before.lastIndexOf('\n');
  if (lastNewline < 0) return { line: statement.line, column: statement.column + offset };
  let newlines = 0;
  for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) newlines++;
  return { line: statement.line + newlines, column: offset - lastNewline };
}

/** Applies start-after, inline ignores (reporting unused ones), then sorts. */
function finish(raw: Finding[], migrations: readonly LintMigration[], rules: readonly Rule[], config: LintConfigResolved, history: readonly LintMigration[] = migrations): Finding[] {
  const byPath = new Map(migrations.map((m) => [m.relPath, m]));
  const orderOf = new Map(history.map((m) => [m.file.revision, m.order]));
  const afterStart = (finding: Finding): boolean => {
    const start = startAfterFor(finding.rule, config);
    if (start === undefined) return true;
    const migration = byPath.get(finding.file);
    if (!migration) return true;
    const startOrder = orderOf.get(start);
    if (startOrder !== undefined) return migration.order > startOrder;
    return compareRevisions(migration.file.revision, start) > 0;
  };
  const ignores = new Map<string, IgnoreDirective[]>();
  for (const m of migrations) {
    const found = findIgnores(m);
    if (found.length > 0) ignores.set(m.relPath, found);
  }
  const kept: Finding[] = [];
  for (const finding of raw) {
    // Ignores are matched first, so that one written for a finding that start-after drops still counts as used.
    const directives = ignores.get(finding.file);
    if (directives && finding.rule !== 'unused-ignore' && finding.rule !== 'ignore-needs-reason') {
      let silenced = false;
      for (const d of directives) if (d.scope === 'next' && suppresses(d, finding)) silenced = true;
      for (const d of directives) if (d.scope === 'file' && suppresses(d, finding)) silenced = true;
      if (silenced) continue;
    }
    if (afterStart(finding)) kept.push(finding);
  }
  kept.push(...ignoreFindings(ignores, rules, config).filter(afterStart));
  return kept.sort(compareFindings);
}

function compareRevisions(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `unused-ignore` and `ignore-needs-reason` findings, by the same configuration as any rule. */
function ignoreFindings(ignores: Map<string, IgnoreDirective[]>, rules: readonly Rule[], config: LintConfigResolved): Finding[] {
  const out: Finding[] = [];
  const knownRuleIds = new Set(rules.map((r) => r.id));
  const severity = (id: string) => {
    const rule = rules.find((r) => r.id === id);
    return rule ? severityOf(rule, config) : 'off';
  };
  const unusedSeverity = severity('unused-ignore');
  const reasonSeverity = severity('ignore-needs-reason');
  for (const [file, directives] of ignores) {
    for (const d of directives) {
      const where = { file, line: d.line, column: d.column };
      const keyword = d.scope === 'file' ? 'pgwarden-ignore-file' : 'pgwarden-ignore';
      if (reasonSeverity !== 'off' && d.reason.length === 0) {
        out.push({
          rule: 'ignore-needs-reason',
          severity: reasonSeverity,
          ...where,
          message: `${keyword} ${d.rules.join(', ') || '(no rule)'} gives no reason`,
          help: 'Say why the rule does not apply here, so that a reviewer can judge it.',
          fix: { description: `Write the reason after the rule ids: -- ${keyword} ${d.rules.join(', ') || '<rule>'} <why this is safe>` },
        });
      }
      if (unusedSeverity === 'off') continue;
      if (d.rules.length === 0) {
        out.push({ rule: 'unused-ignore', severity: unusedSeverity, ...where, message: `${keyword} names no rule`, help: 'Name the rule ids to ignore: -- pgwarden-ignore <rule>[, <rule>] <reason>.' });
        continue;
      }
      for (const rule of d.rules) {
        if (rule === '*' ? d.used.size > 0 : d.used.has(rule)) continue;
        // An ignore for a rule the configuration turned off is moot, not stale.
        if (knownRuleIds.has(rule) && severity(rule) === 'off') continue;
        const unknown = rule !== '*' && !knownRuleIds.has(rule);
        out.push({
          rule: 'unused-ignore',
          severity: unusedSeverity,
          ...where,
          message: unknown ? `${keyword} names "${rule}", which is not a pgwarden rule` : `${keyword} ${rule} suppresses nothing${d.scope === 'next' ? ' on the statement it precedes' : ' in this file'}`,
          help: unknown ? 'Check the rule id (docs/rules/ lists them).' : 'The finding it was written for is gone: remove the ignore, so that a new finding is not hidden by it.',
          fix: { description: `Remove "${rule}" from the ignore comment${d.rules.length === 1 ? ' (or the whole comment)' : ''}` },
        });
      }
    }
  }
  return out;
}

/**
 * Lints one SQL snippet as the up section of a synthetic migration (no header, so no governance
 * findings about it). For rule tests and squawk conformance.
 *
 * @param options.assumeInTransaction the runner wraps it in a transaction (default false, like squawk).
 * @param options.rules the rules to run (default: every safety and style rule).
 */
export async function lintSnippet(sql: string, options: { postgresVersion?: number; assumeInTransaction?: boolean; rules?: readonly Rule[]; config?: Partial<LintConfigResolved> } = {}): Promise<Finding[]> {
  const rules = options.rules ?? (await defaultRules()).filter((r) => r.kind !== 'governance');
  const file: MigrationFile = {
    path: '/snippet.sql',
    fileName: 'snippet.sql',
    name: 'snippet',
    kind: 'sql',
    revision: '00000000000000',
    revises: undefined,
    implicitParent: false,
    description: 'snippet',
    notes: '',
    transaction: options.assumeInTransaction ? 'default' : 'none',
    irreversible: undefined,
    lockTimeout: undefined,
    statementTimeout: undefined,
    header: [],
    up: { sql, offset: 0, line: 1, markerLine: 0 },
    down: undefined,
    checksum: '',
    text: sql,
    problems: [],
  };
  const migration = await prepareMigration(file, 'snippet.sql', 0, undefined);
  const config = resolveLintConfig(undefined, { postgresVersion: options.postgresVersion ?? DEFAULT_POSTGRES_VERSION, ...options.config });
  return runRules([migration], buildGraph([file]), rules, config);
}

/** Resolves CLI paths against the working directory, relative to root, with forward slashes. */
export function relativeToRoot(root: string, cwd: string, path: string): string {
  return toPosix(relative(root, resolve(cwd, path)));
}


export { lintHistory, type LintHistoryOptions } from './history.js';

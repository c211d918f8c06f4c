import { describe, expect, it } from 'vitest';
import { lintSnippet, lintSources } from '../../../src/lint/engine.js';
import { rules as registry } from '../../../src/lint/registry.js';
import type { Rule } from '../../../src/lint/types.js';
import { chain, lint, source, summary } from './history-support.js';

/** A rule that reports every CREATE TABLE, to observe the engine. */
const createTable: Rule = {
  id: 'probe-create-table',
  description: 'test probe',
  defaultSeverity: 'warning',
  kind: 'safety',
  statement(statement, model, ctx) {
    if (statement.kind === 'CreateStmt') ctx.report({ at: statement, message: `create ${statement.ast.relation.relname} (${model.tables()[Symbol.iterator]().next().done ? 'empty' : 'not empty'} before)` });
  },
};

describe('lint engine', () => {
  it('positions statements by file line and column, in up and down', async () => {
    const text = '--! Revision: 20260101000000\n--! Description: Create two tables\n\n-- Up Migration\n  CREATE TABLE a (id int);   CREATE TABLE b (\n  id int\n);\n-- Down Migration\nDROP TABLE b; DROP TABLE a;\n';
    const report = await lintSources([{ path: 'migrations/20260101000000_two.sql', text }], { root: '/p', rules: [createTable] });
    expect(report.findings.map((f) => [f.line, f.column, f.endLine, f.endColumn, f.message])).toEqual([
      [5, 3, 5, 26, 'create a (empty before)'],
      [5, 30, 7, 2, 'create b (not empty before)'],
    ]);
    expect(report).toMatchObject({ counts: { error: 0, warning: 2 }, files: ['migrations/20260101000000_two.sql'], migrations: 1, cached: false });
  });

  it('replays the history in graph order, not file-name order', async () => {
    const seen: string[] = [];
    const probe: Rule = { id: 'probe', description: '', defaultSeverity: 'warning', kind: 'safety', migration: (m) => void seen.push(m.file.revision) };
    const files = [source({ revision: '20260101000000', up: 'SELECT 1;' }), source({ revision: '20260102000000', revises: '20260103000000', up: 'SELECT 1;' }), source({ revision: '20260103000000', revises: '20260101000000', up: 'SELECT 1;' })];
    await lintSources(files, { root: '/p', rules: [probe] });
    expect(seen).toEqual(['20260101000000', '20260103000000', '20260102000000']);
  });

  it('calls a statement hook only for the statement kinds and sections its rule declares', async () => {
    const seen: { narrowed: string[]; all: string[] } = { narrowed: [], all: [] };
    const observe = (into: string[]): Rule['statement'] => (statement) => void into.push(`${statement.section} ${statement.kind}`);
    const narrowed: Rule = { id: 'probe-narrowed', description: '', defaultSeverity: 'warning', kind: 'safety', statementKinds: ['CreateStmt', 'DropStmt'], sections: ['down'], statement: observe(seen.narrowed) };
    const all: Rule = { id: 'probe-all', description: '', defaultSeverity: 'warning', kind: 'safety', statement: observe(seen.all) };
    const up = "CREATE TABLE a (id int);\nCOMMENT ON TABLE a IS 'A.';\nCREATE TABLE b (id int);";
    const down = 'COMMENT ON TABLE a IS NULL;\nDROP TABLE b;\nDROP TABLE a;';
    await lintSources([source({ revision: '20260101000000', up, down })], { root: '/p', rules: [narrowed, all] });
    expect(seen.narrowed).toEqual(['down DropStmt', 'down DropStmt']);
    expect(seen.all).toEqual(['up CreateStmt', 'up CommentStmt', 'up CreateStmt', 'down CommentStmt', 'down DropStmt', 'down DropStmt']);
  });

  it('gives migration hooks the models before up, after up, and after down', async () => {
    const snapshots: string[] = [];
    const probe: Rule = {
      id: 'probe',
      description: '',
      defaultSeverity: 'warning',
      kind: 'governance',
      migration: (_m, { before, afterUp, afterDown }) => void snapshots.push([before, afterUp, afterDown].map((m) => (m ? m.objects('table').join(',') || '-' : 'none')).join(' | ')),
    };
    await lintSources([source({ revision: '20260101000000', up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;' }), source({ revision: '20260102000000', revises: '20260101000000', up: 'CREATE TABLE b (id int);' })], { root: '/p', rules: [probe] });
    expect(snapshots).toEqual(['- | public.a | -', 'public.a | public.a,public.b | none']);
  });

  it('applies configured severities, off, and start-after', async () => {
    const files = chain([{ description: 'wip', up: 'SELECT 1;' }, { description: 'update', up: 'SELECT 1;' }, { description: 'fix', up: 'SELECT 1;' }]);
    expect((await lint(files, { rules: ['require-docstring'] })).map((f) => f.severity)).toEqual(['error', 'error', 'error']);
    expect((await lint(files, { rules: ['require-docstring'], config: { rules: { 'require-docstring': 'warning' } } })).map((f) => f.severity)).toEqual(['warning', 'warning', 'warning']);
    expect(await lint(files, { rules: ['require-docstring'], config: { rules: { 'require-docstring': 'off' } } })).toEqual([]);
    expect((await lint(files, { rules: ['require-docstring'], config: { startAfter: { 'require-docstring': '20260101000100' } } })).map((f) => f.file)).toEqual(['migrations/20260101000200_change.sql']);
    expect((await lint(files, { rules: ['require-docstring'], config: { startAfter: { '*': '20260101000000' } } })).length).toBe(2);
    // A revision that is not in the history compares by number.
    expect((await lint(files, { rules: ['require-docstring'], config: { startAfter: { '*': '20260101000150' } } })).length).toBe(1);
  });

  it('lets an inline ignore silence the next statement only, and reports unused or reason-less ignores', async () => {
    const up = [
      '-- pgwarden-ignore irreversible-operation the table was emptied by hand last week',
      'DELETE FROM t;',
      'DELETE FROM t;',
      '-- pgwarden-ignore drop-order, irreversible-operation nothing depends on it any more',
      'TRUNCATE t;',
      '-- pgwarden-ignore require-docstring',
      'SELECT 1;',
      '-- pgwarden-ignore no-such-rule because',
      'SELECT 2;',
    ].join('\n');
    const files = chain([{ up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' }, { up, down: 'SELECT 1;' }]);
    const findings = await lint(files, { rules: ['irreversible-operation', 'drop-order', 'require-docstring', 'unused-ignore', 'ignore-needs-reason'] });
    expect(summary(findings)).toEqual([
      '20260101000100_change.sql:8 irreversible-operation: DELETE FROM t removes rows, and the migration does not declare that it cannot be undone',
      '20260101000100_change.sql:9 unused-ignore: pgwarden-ignore drop-order suppresses nothing on the statement it precedes',
      '20260101000100_change.sql:11 ignore-needs-reason: pgwarden-ignore require-docstring gives no reason',
      '20260101000100_change.sql:11 unused-ignore: pgwarden-ignore require-docstring suppresses nothing on the statement it precedes',
      '20260101000100_change.sql:13 unused-ignore: pgwarden-ignore names "no-such-rule", which is not a pgwarden rule',
    ]);
    expect(findings.find((f) => f.rule === 'ignore-needs-reason')!.severity).toBe('warning');
    expect(findings.find((f) => f.rule === 'unused-ignore')!.severity).toBe('warning');
  });

  it('does not call an ignore unused when its rule is off, or its finding falls before start-after', async () => {
    const files = chain([{ up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' }, { up: '-- pgwarden-ignore irreversible-operation emptied by hand\nDELETE FROM t;', down: 'SELECT 1;' }]);
    const rules = ['irreversible-operation', 'unused-ignore'];
    expect(await lint(files, { rules })).toEqual([]);
    expect(await lint(files, { rules, config: { rules: { 'irreversible-operation': 'off' } } })).toEqual([]);
    expect(await lint(files, { rules, config: { startAfter: { 'irreversible-operation': '20260101000100' } } })).toEqual([]);
    const stale = chain([{ up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' }, { up: '-- pgwarden-ignore irreversible-operation emptied by hand\nSELECT 1;', down: 'SELECT 1;' }]);
    expect((await lint(stale, { rules })).map((f) => f.rule)).toEqual(['unused-ignore']);
  });

  it('applies an ignore inside a statement to that statement, and a file ignore to the whole file', async () => {
    const up = 'CREATE TABLE u (\n  -- pgwarden-ignore probe-create-table this one is fine\n  id int\n);\nCREATE TABLE v (id int);';
    const findings = (await lintSources([source({ revision: '20260101000000', up, down: 'SELECT 1;' })], { root: '/p', rules: [createTable, ...registry.filter((r) => r.id === 'unused-ignore')] })).findings;
    expect(findings.map((f) => f.message)).toEqual(['create v (not empty before)']);
    const fileWide = `-- pgwarden-ignore-file probe-create-table generated fixtures\n${source({ revision: '20260101000000', up: 'CREATE TABLE a (id int); CREATE TABLE b (id int);' }).text}`;
    expect((await lintSources([{ path: 'migrations/20260101000000_change.sql', text: fileWide }], { root: '/p', rules: [createTable] })).findings).toEqual([]);
  });

  it('reports header problems and graph problems, and lints a file with syntax errors without crashing', async () => {
    const findings = await lint([source({ revision: '20260101000000', up: 'SELEC 1;', down: 'SELECT 1;' }), source({ revision: '20260102000000', revises: '20250101000000', up: 'SELECT 1;', down: 'SELECT 1;' })]);
    expect(findings.map((f) => f.rule).sort()).toEqual(['revision-chain', 'syntax-error']);
  });

  it('lints a node-pg-migrate JS migration from the SQL its builder produces, at the call that produced it', async () => {
    const js = "exports.up = (pgm) => { pgm.createTable('t', { id: 'id' }); pgm.sql('BEGIN'); };\nexports.down = (pgm) => { pgm.dropTable('t'); };\n";
    const path = `${process.cwd()}/test/unit/lint/.fixtures-${process.pid}/20260101000000_js.js`;
    const { mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    mkdirSync(path.replace(/\/[^/]+$/, ''), { recursive: true });
    writeFileSync(path, js);
    try {
      const report = await lintSources([{ path, text: js }], { root: process.cwd(), rules: registry.filter((r) => ['transaction-nesting', 'down-reverses-up', 'require-down'].includes(r.id)) });
      expect(report.findings.map((f) => [f.rule, f.line, f.message])).toEqual([['transaction-nesting', 1, 'BEGIN in a migration that pgwarden already runs in a transaction']]);
    } finally {
      rmSync(path.replace(/\/[^/]+$/, ''), { recursive: true, force: true });
    }
  });
  it('reports a node-pg-migrate migration that calls pgm.db where it calls it, saying pgwarden cannot lint or run it and what to do', async () => {
    const js = "exports.up = async (pgm) => {\n  const { rows } = await pgm.db.query('SELECT id FROM t');\n  for (const r of rows) pgm.sql(`UPDATE t SET id = ${r.id}`);\n};\nexports.down = (pgm) => { pgm.sql('SELECT 1'); };\n";
    const dir = `${process.cwd()}/test/unit/lint/.fixtures-pgm-db-${process.pid}`;
    const path = `${dir}/20260101000000_backfill.js`;
    const { mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, js);
    try {
      const report = await lintSources([{ path, text: js }], { root: process.cwd(), rules: registry.filter((r) => r.id === 'syntax-error') });
      expect(report.findings.map((f) => [f.rule, f.line, f.column, f.message, f.help])).toEqual([
        [
          'syntax-error',
          2,
          js.split('\n')[1]!.indexOf('query') + 1,
          "up calls pgm.db.query, which reads the database while node-pg-migrate builds the migration's SQL: pgwarden can neither lint nor run this migration (it builds every migration's SQL offline, before running any)",
          'Move the logic into SQL: pgm.sql with INSERT ... SELECT, UPDATE ... FROM or a DO block. Lint checks the up section once it builds its SQL without the database.',
        ],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reporting on some files', () => {
  it('gives a file the same findings alone as with the whole history', async () => {
    const specs = chain([
      { up: 'CREATE TABLE users (id int PRIMARY KEY, email varchar(10));', down: 'DROP TABLE users;' },
      { description: 'wip', up: 'ALTER TABLE users ADD COLUMN name char(5);\n-- pgwarden-ignore prefer-text-field legacy\nALTER TABLE users ADD COLUMN code varchar(3);', down: 'SELECT 1;' },
      { up: 'CREATE INDEX CONCURRENTLY i ON users (email);\nDELETE FROM users;', down: 'DROP INDEX i;' },
      { up: 'CREATE TABLE jobs (user_id int REFERENCES users);', down: 'DROP TABLE users;' },
    ]);
    const sources = specs.map(source);
    const all = (await lintSources(sources, { root: '/p' })).findings;
    expect(new Set(all.map((f) => f.file)).size).toBe(4);
    for (const s of sources) {
      const alone = await lintSources(sources, { root: '/p', only: new Set([s.path]) });
      expect(alone.findings).toEqual(all.filter((f) => f.file === s.path));
      expect(alone.files).toEqual([s.path]);
    }
  });
});

describe('model snapshots', () => {
  it('starts a run on the newest file from the stored model of the history before it, parsing only that file', async () => {
    const specs = chain([
      { up: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);', down: 'DROP TABLE users;' },
      { up: 'CREATE TABLE jobs (id bigint PRIMARY KEY, user_id bigint REFERENCES users);', down: 'DROP TABLE jobs;' },
      { up: 'ALTER TABLE users DROP COLUMN id;', down: 'SELECT 1;' },
    ]);
    const sources = specs.map(source);
    const stored = new Map<string, unknown>();
    const snapshots = { seed: 'test', get: (key: string) => stored.get(key), set: (key: string, value: unknown) => void stored.set(key, value) };
    const history = sources.slice(0, 2);
    await lintSources(history, { root: '/p', snapshots });
    expect(stored.size).toBe(1);
    const looked: string[] = [];
    const parseCache = { get: (key: string) => void looked.push(key), set: () => {} };
    const newest = sources[2]!.path;
    const fromSnapshot = await lintSources(sources, { root: '/p', snapshots, parseCache, only: new Set([newest]) });
    expect(looked.length).toBe(2); // up and down of the newest file only
    const full = await lintSources(sources, { root: '/p', only: new Set([newest]) });
    expect(fromSnapshot.findings).toEqual(full.findings);
    expect(fromSnapshot.findings.map((f) => f.rule)).toContain('drop-order');
  });
});

describe('lintSnippet', () => {
  it('lints SQL without a header as one migration, with only the rules given', async () => {
    const findings = await lintSnippet('CREATE INDEX CONCURRENTLY i ON t (a);', { assumeInTransaction: true, rules: registry.filter((r) => r.id === 'ban-concurrent-index-creation-in-transaction') });
    expect(findings.map((f) => [f.file, f.line, f.column, f.rule])).toEqual([['snippet.sql', 1, 1, 'ban-concurrent-index-creation-in-transaction']]);
    expect(await lintSnippet('CREATE INDEX CONCURRENTLY i ON t (a);', { rules: registry.filter((r) => r.id === 'ban-concurrent-index-creation-in-transaction') })).toEqual([]);
  });

  it('runs no governance rule by default', async () => {
    const findings = await lintSnippet('DROP TABLE t;');
    expect(findings.every((f) => registry.find((r) => r.id === f.rule)!.kind !== 'governance')).toBe(true);
  });
});

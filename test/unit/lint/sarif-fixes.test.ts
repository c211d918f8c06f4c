/**
 * SARIF fixes applied as a code-scanning tool applies them: each replacement's deletedRegion is
 * replaced by its insertedContent. The fixed file must parse with the Postgres parser, keep its
 * statements, and no longer have the finding the fix was for.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { lintSources, type LintSource } from '../../../src/lint/engine.js';
import { formatSarif } from '../../../src/lint/format/sarif.js';
import { ruleById, rules } from '../../../src/lint/registry.js';
import { parseMigration } from '../../../src/migrations/parse.js';
import { ensureParser, parseSql } from '../../../src/sql/parse.js';
import { migrationText, source, type FileSpec } from './history-support.js';

interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}
interface SarifResult {
  ruleId: string;
  fixes?: Array<{ artifactChanges: Array<{ artifactLocation: { uri: string }; replacements: Array<{ deletedRegion: Region; insertedContent: { text: string } }> }> }>;
}

/** Applies SARIF replacements to a text (1-based lines and columns, end exclusive), last first. */
function applyReplacements(text: string, replacements: Array<{ deletedRegion: Region; insertedContent: { text: string } }>): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const offset = (line: number, column: number) => (line - 1 < starts.length ? starts[line - 1]! : text.length) + column - 1;
  const spans = replacements.map((r) => ({ from: offset(r.deletedRegion.startLine, r.deletedRegion.startColumn), to: offset(r.deletedRegion.endLine, r.deletedRegion.endColumn), text: r.insertedContent.text }));
  let out = text;
  for (const span of spans.sort((a, b) => b.from - a.from)) out = out.slice(0, span.from) + span.text + out.slice(span.to);
  return out;
}

const BASE: FileSpec = { revision: '20260101000000', up: 'CREATE TABLE a (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty bigint);', down: 'DROP TABLE a;' };
const CASE_FILE = 'migrations/20260102000000_change.sql';

async function sarifFor(sources: LintSource[], rule: string, config: object): Promise<SarifResult[]> {
  const report = await lintSources(sources, { root: '/project', rules: [ruleById(rule)!], config: { postgresVersion: 18, runnerSetsLockTimeout: true, ...config } });
  const log = JSON.parse(formatSarif(report, { source: () => undefined, color: false, rules, version: '0' }));
  return (log.runs[0].results as SarifResult[]).filter((r) => r.ruleId === rule);
}

const cases: Array<{ rule: string; spec: Omit<FileSpec, 'revision' | 'revises'>; up: string; header?: string; config?: object }> = [
  {
    rule: 'constraint-missing-not-valid',
    spec: { up: 'ALTER TABLE a ADD CONSTRAINT a_qty_pos CHECK (qty > 0);', down: 'ALTER TABLE a DROP CONSTRAINT a_qty_pos;' },
    up: 'ALTER TABLE a ADD CONSTRAINT a_qty_pos CHECK (qty > 0) NOT VALID;',
  },
  {
    rule: 'adding-foreign-key-constraint',
    spec: { up: 'ALTER TABLE a ADD CONSTRAINT a_self FOREIGN KEY (qty) REFERENCES a (id);', down: 'ALTER TABLE a DROP CONSTRAINT a_self;' },
    up: 'ALTER TABLE a ADD CONSTRAINT a_self FOREIGN KEY (qty) REFERENCES a (id) NOT VALID;',
  },
  {
    rule: 'prefer-bigint-over-int',
    spec: { up: 'ALTER TABLE a ADD COLUMN n integer;', down: 'ALTER TABLE a DROP COLUMN n;' },
    up: 'ALTER TABLE a ADD COLUMN n bigint;',
  },
  {
    rule: 'prefer-text-field',
    spec: { up: 'ALTER TABLE a ADD COLUMN note varchar(20);', down: 'ALTER TABLE a DROP COLUMN note;' },
    up: 'ALTER TABLE a ADD COLUMN note text;',
  },
  {
    rule: 'require-concurrent-index-creation',
    spec: { up: 'CREATE INDEX a_qty ON a (qty);', down: 'DROP INDEX a_qty;' },
    up: 'CREATE INDEX CONCURRENTLY a_qty ON a (qty);',
  },
  {
    rule: 'require-lock-timeout',
    spec: { up: 'ALTER TABLE a ADD COLUMN note text;', down: 'ALTER TABLE a DROP COLUMN note;' },
    up: "SET lock_timeout = '5s';\nALTER TABLE a ADD COLUMN note text;",
    config: { runnerSetsLockTimeout: false },
  },
  {
    rule: 'irreversible-operation',
    spec: { up: 'ALTER TABLE a DROP COLUMN qty;' },
    up: 'ALTER TABLE a DROP COLUMN qty;',
    header: '--! Irreversible: <what is lost, and why that is acceptable>',
  },
  {
    rule: 'ban-concurrent-index-creation-in-transaction',
    spec: { up: 'CREATE INDEX CONCURRENTLY a_qty ON a (qty);', down: 'DROP INDEX a_qty;' },
    up: 'CREATE INDEX CONCURRENTLY a_qty ON a (qty);',
    header: '--! Transaction: none',
  },
  {
    rule: 'require-down',
    spec: { up: 'ALTER TABLE a ADD COLUMN note text;' },
    up: 'ALTER TABLE a ADD COLUMN note text;',
    header: '--! Irreversible: <why this cannot be undone>',
  },
];

describe('SARIF fixes', () => {
  beforeAll(() => ensureParser());

  for (const c of cases) {
    it(`${c.rule}: applying the fix gives SQL that parses, keeps the statement, and clears the finding`, async () => {
      const original = migrationText({ revision: '20260102000000', revises: BASE.revision, ...c.spec });
      const history = (text: string): LintSource[] => [source(BASE), { path: CASE_FILE, text }];
      const results = await sarifFor(history(original), c.rule, c.config ?? {});
      expect(results).toHaveLength(1);
      const changes = results[0]!.fixes?.[0]?.artifactChanges ?? [];
      expect(changes.map((ch) => ch.artifactLocation.uri)).toEqual([CASE_FILE]);
      const fixed = applyReplacements(original, changes[0]!.replacements);

      const file = parseMigration(`/project/${CASE_FILE}`, fixed);
      expect(file.problems).toEqual([]);
      expect(file.up!.sql.trim()).toBe(c.up);
      if (file.down) parseSql(file.down.sql);
      expect(parseSql(file.up!.sql).map((s) => s.text)).toEqual(parseSql(c.up).map((s) => s.text));
      if (c.header) expect(fixed.split('\n')).toContain(c.header);
      // Everything else of the file is as it was.
      expect((c.header ? fixed.replace(`${c.header}\n`, '') : fixed).replace(c.up, c.spec.up)).toBe(original);
      expect(await sarifFor(history(fixed), c.rule, c.config ?? {})).toEqual([]);
    });
  }

  it('single-head: the fix replaces the "Revises:" line', async () => {
    const third = migrationText({ revision: '20260103000000', revises: BASE.revision, up: 'SELECT 1;', down: 'SELECT 1;' });
    const sources = (text: string): LintSource[] => [source(BASE), source({ revision: '20260102000000', revises: BASE.revision, up: 'SELECT 1;', down: 'SELECT 1;' }), { path: 'migrations/20260103000000_change.sql', text }];
    const results = await sarifFor(sources(third), 'single-head', {});
    const fixed = applyReplacements(third, results[0]!.fixes![0]!.artifactChanges[0]!.replacements);
    expect(fixed).toBe(third.replace('--! Revises: 20260101000000', '--! Revises: 20260102000000'));
    expect(await sarifFor(sources(fixed), 'single-head', {})).toEqual([]);
  });

  it('emits no fix for irreversible-operation when the migration has a down section (adding the header is not the whole fix)', async () => {
    const text = migrationText({ revision: '20260102000000', revises: BASE.revision, up: 'ALTER TABLE a DROP COLUMN qty;', down: 'ALTER TABLE a ADD COLUMN qty integer;' });
    const results = await sarifFor([source(BASE), { path: CASE_FILE, text }], 'irreversible-operation', {});
    expect(results).toHaveLength(1);
    expect(results[0]!.fixes).toBeUndefined();
  });
});

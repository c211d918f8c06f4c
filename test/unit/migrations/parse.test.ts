import { describe, expect, it } from 'vitest';
import { isEmptySection, parseMigration } from '../../../src/migrations/parse.js';
import { buildGraph } from '../../../src/migrations/graph.js';
import { redactText, redactUrl } from '../../../src/redact.js';

const file = (rev: string, revises: string | undefined, extra = '') =>
  parseMigration(`/repo/migrations/${rev}_x.sql`, `--! Revision: ${rev}\n${revises ? `--! Revises: ${revises}\n` : ''}--! Description: Something real\n${extra}\n-- Up Migration\nSELECT 1;\n\n-- Down Migration\nSELECT 2;\n`);

describe('migration files', () => {
  it('reads the header, the notes and both sections with their positions', () => {
    const text = [
      '--! Revision: 20261122101500',
      '--! Revises: 20261121093000',
      '--! Description: Create target groups',
      '--! Transaction: none',
      '--! Lock-Timeout: 30s',
      '--',
      '-- Why: reviewers asked.',
      '',
      '-- Up Migration',
      'CREATE INDEX CONCURRENTLY i ON t (a);',
      '',
      '-- Down Migration',
      'DROP INDEX CONCURRENTLY i;',
      '',
    ].join('\n');
    const m = parseMigration('/repo/migrations/20261122101500_create_target_groups.sql', text);
    expect(m.problems).toEqual([]);
    expect(m).toMatchObject({ revision: '20261122101500', revises: '20261121093000', description: 'Create target groups', transaction: 'none', lockTimeout: '30s', notes: 'Why: reviewers asked.' });
    expect(m.up).toMatchObject({ line: 10, markerLine: 9, sql: 'CREATE INDEX CONCURRENTLY i ON t (a);\n\n' });
    expect(text.slice(m.up!.offset, m.up!.offset + 6)).toBe('CREATE');
    expect(m.down).toMatchObject({ line: 13, sql: 'DROP INDEX CONCURRENTLY i;\n' });
  });

  it('reports header problems with their lines instead of throwing', () => {
    const m = parseMigration('/repo/migrations/20261122101500_x.sql', '--! Revision: 20261122101501\n--! Transaction: sometimes\n--! Irreversible:\nSELECT 1;\n');
    expect(m.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '1: no "-- Up Migration" marker: put the header first, then "-- Up Migration" and the SQL',
      "1: revision 20261122101501 does not match the file name's 20261122101500: rename the file or fix the header",
      '2: "Transaction: sometimes" is not valid: the only value is "none"',
      '3: "Irreversible:" needs a reason: say why this migration cannot be undone',
    ]);
  });

  it('accepts only real UTC timestamps (or node-pg-migrate millisecond ones) as revisions, and only Postgres durations as timeouts', () => {
    const problems = (name: string, header: string) => parseMigration(`/repo/migrations/${name}`, `${header}\n-- Up Migration\nSELECT 1;\n`).problems.map((p) => `${p.line}: ${p.message}`);
    expect(problems('123_x.sql', '--! Revision: 123')).toEqual([expect.stringMatching(/^1: revision "123" is not a UTC timestamp YYYYMMDDHHMMSS \(a real date and time/)]);
    expect(problems('20261399996199_x.sql', '--! Revision: 20261399996199')).toEqual([expect.stringMatching(/^1: revision "20261399996199" is not a UTC timestamp/)]);
    expect(problems('20260230120000_x.sql', '--! Revision: 20260230120000')).toHaveLength(1);
    expect(problems('20261122101500_x.sql', '--! Revision: 20261122101500')).toEqual([]);
    expect(problems('1700000000000_x.sql', '--! Revision: 1700000000000')).toEqual([]);
    for (const ok of ['5s', '500ms', '1min', '0', '2500', '1.5s', '10 s', '1h', '100us', '1d']) {
      expect(problems('20261122101500_x.sql', `--! Revision: 20261122101500\n--! Lock-Timeout: ${ok}`), ok).toEqual([]);
    }
    expect(problems('20261122101500_x.sql', '--! Revision: 20261122101500\n--! Lock-Timeout: 5 seconds\n--! Statement-Timeout: 1MIN')).toEqual([
      '2: "Lock-Timeout: 5 seconds" is not a Postgres duration: write a number with one of the units us, ms, s, min, h, d (5s, 500ms, 1min), a plain number of milliseconds, or 0 for no limit',
      '3: "Statement-Timeout: 1MIN" is not a Postgres duration: write a number with one of the units us, ms, s, min, h, d (5s, 500ms, 1min), a plain number of milliseconds, or 0 for no limit',
    ]);
  });

  it('builds the graph: order, heads, and the problems of a branched history', () => {
    const a = file('20260101000000', undefined);
    const b = file('20260102000000', '20260101000000');
    const c = file('20260103000000', '20260101000000');
    const graph = buildGraph([c, b, a]);
    expect(graph.ordered.map((m) => m.revision)).toEqual(['20260101000000', '20260102000000', '20260103000000']);
    expect(graph.heads.map((m) => m.revision)).toEqual(['20260102000000', '20260103000000']);
    expect(graph.problems.map((p) => p.kind)).toEqual(['multiple-heads']);
    expect(graph.problems[0]!.message).toContain('Re-parent the newer one: set "--! Revises: 20260102000000" in 20260103000000_x.sql');
  });

  it('finds duplicate revisions, missing parents and cycles', () => {
    const a = file('20260101000000', undefined);
    const dup = parseMigration('/repo/migrations/20260101000000_y.sql', a.text);
    const orphan = file('20260105000000', '20250101000000');
    const x = file('20260106000000', '20260107000000');
    const y = file('20260107000000', '20260106000000');
    const kinds = buildGraph([a, dup, orphan, x, y]).problems.map((p) => p.kind).sort();
    expect(kinds).toEqual(['cycle', 'duplicate-revision', 'missing-parent']);
  });
});

describe('redaction', () => {
  it('hides passwords in URLs, keyword strings and query parameters', () => {
    expect(redactUrl('postgresql://app:s3cr%40t@db:5432/app')).toBe('postgresql://app:***@db:5432/app');
    expect(redactUrl('host=db password=hunter2 user=app')).toBe('host=db password=*** user=app');
    expect(redactUrl('postgres://db/app?user=x&password=hunter2')).toBe('postgres://db/app?user=x&password=***');
    expect(redactText('failed on postgres://u:pw123456@h/d today', ['pw123456'])).toBe('failed on postgres://u:***@h/d today');
  });
});

describe('isEmptySection', () => {
  const section = (sql: string) => ({ sql, offset: 0, line: 1, markerLine: 0 });
  it('is empty with nothing but blanks and comments', () => {
    for (const sql of ['', '  \n\t', '-- nothing to undo\n', '-- no newline at the end', '/* a\nblock */\n-- and a line\n', '\ufeff\u00a0 \n']) expect(isEmptySection(section(sql))).toBe(true);
    expect(isEmptySection(undefined)).toBe(true);
  });
  it('is not empty with any SQL, after comments or not', () => {
    for (const sql of ['SELECT 1;', '-- first\nDROP TABLE t;', '/* c */ DROP TABLE t;', '  ;', '/* never closed']) expect(isEmptySection(section(sql))).toBe(false);
  });
});

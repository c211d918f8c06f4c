import { describe, expect, it } from 'vitest';
import { chain, lint, summary } from '../history-support.js';

describe('syntax-error', () => {
  it('reports the position Postgres gives, in up and in down, without crashing', async () => {
    const files = chain([{ up: 'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN x int;\nSELEC 1;', down: 'DROP TABL t;' }]);
    const findings = await lint(files, { rules: ['syntax-error'] });
    expect(summary(findings)).toEqual([
      '20260101000000_change.sql:7 syntax-error: up section: syntax error at or near "SELEC"',
      '20260101000000_change.sql:10 syntax-error: down section: syntax error at or near "TABL"',
    ]);
    expect(findings.map((f) => f.column)).toEqual([1, 6]);
    expect(findings[0]!.severity).toBe('error');
  });

  it('maps positions after multi-byte characters', async () => {
    const files = chain([{ up: "COMMENT ON TABLE t IS 'héllo wörld';\nCREATE TABEL x ();", down: '' }]);
    const [finding] = await lint(files, { rules: ['syntax-error'] });
    expect([finding!.line, finding!.column]).toEqual([6, 8]);
  });

  it('finds nothing in SQL that parses', async () => {
    expect(await lint(chain([{ up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' }]), { rules: ['syntax-error'] })).toEqual([]);
  });

  it('says when the text is psql syntax, not SQL: inline COPY ... FROM stdin rows and backslash meta-commands', async () => {
    // A pg_dump data dump (abbainfoservices/mask's clientdb-dump2-data.sql) and recent pg_dump's \restrict line.
    const dump = [
      "SELECT pg_catalog.set_config('search_path', '', false);",
      '',
      'COPY public.users (id, name, email) FROM stdin;',
      '1\tJerry\tjerry@example.com',
      '2\tGeorge\tgeorge@example.com',
      '\\.',
      "SELECT pg_catalog.setval('public.users_id_seq', 2, true);",
    ].join('\n');
    const empty = 'COPY public.test (id, username) FROM stdin;\n\\.\n';
    const nulls = 'COPY public.test (id, username) FROM stdin;\n\\N\tx\n\\.\n';
    const restrict = '\\restrict 3xNVeBkGQWi0m7Pa\n\nCREATE TABLE public.t (id bigint);\n';
    const files = chain([{ up: dump, down: '' }, { up: empty, down: '' }, { up: nulls, down: '' }, { up: restrict, down: '' }, { up: 'SELEC 1;', down: '' }]);
    const findings = await lint(files, { rules: ['syntax-error'] });
    expect(findings.map((f) => [f.file.replace(/^.*\//, ''), f.line, f.message])).toEqual([
      ['20260101000000_change.sql', 8, 'up section: syntax error at or near "1": line 7 is COPY ... FROM stdin, and the lines after it are its rows: inline COPY data is psql\'s format (pg_dump output), not SQL the server can parse'],
      ['20260101000100_change.sql', 7, 'up section: syntax error at or near "\\": line 6 is COPY ... FROM stdin, and the lines after it are its rows: inline COPY data is psql\'s format (pg_dump output), not SQL the server can parse'],
      ['20260101000200_change.sql', 7, 'up section: syntax error at or near "\\": line 6 is COPY ... FROM stdin, and the lines after it are its rows: inline COPY data is psql\'s format (pg_dump output), not SQL the server can parse'],
      ['20260101000300_change.sql', 6, 'up section: syntax error at or near "\\": \\restrict is a psql meta-command, not SQL'],
      ['20260101000400_change.sql', 6, 'up section: syntax error at or near "SELEC"'],
    ]);
    expect(findings[0]!.help).toContain('write the rows as INSERT ... VALUES');
    expect(findings[3]!.help).toContain('remove psql meta-commands');
    expect(findings[4]!.help).toBe('Postgres would refuse this migration. Fix the SQL at the marked position; lint checks everything else only on SQL it can parse.');
  });
});

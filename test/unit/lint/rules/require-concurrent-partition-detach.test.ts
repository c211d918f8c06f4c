import { describe, expect, it } from 'vitest';
import { lintHistory, lintRule, messages } from './support.js';

const ID = 'require-concurrent-partition-detach';

describe(ID, () => {
  it('flags DETACH PARTITION without CONCURRENTLY, with a fix that adds it after the partition name', async () => {
    const findings = await lintRule(ID, 'ALTER TABLE measurements DETACH PARTITION measurements_y2024;');
    expect(findings.map((f) => f.message)).toEqual([
      'Detaching partition "measurements_y2024" from "measurements" without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on both tables: every read and write of "measurements" waits behind it, and it waits for every running query on them.',
    ]);
    expect(findings[0]!.fix).toEqual(
      expect.objectContaining({ replacement: 'ALTER TABLE measurements DETACH PARTITION measurements_y2024 CONCURRENTLY', description: 'Detach the partition CONCURRENTLY (and mark the migration `--! Transaction: none`)' }),
    );
    expect(findings[0]!.help).toContain('cannot run inside a transaction block');
    const quoted = await lintRule(ID, 'ALTER TABLE IF EXISTS app."Events" DETACH PARTITION app . "Events 2024" /* old */;');
    expect(quoted[0]!.fix?.replacement).toBe('ALTER TABLE IF EXISTS app."Events" DETACH PARTITION app . "Events 2024" CONCURRENTLY /* old */');
  });

  it('accepts CONCURRENTLY and FINALIZE', async () => {
    expect(await messages(ID, 'ALTER TABLE t DETACH PARTITION p CONCURRENTLY;\nALTER TABLE t DETACH PARTITION p FINALIZE;', { assumeInTransaction: false })).toEqual([]);
  });

  it('stays quiet below PostgreSQL 14, which has no CONCURRENTLY, and for a table the migration created', async () => {
    expect(await messages(ID, 'ALTER TABLE t DETACH PARTITION p;', { postgresVersion: 13 })).toEqual([]);
    expect(await messages(ID, 'ALTER TABLE t DETACH PARTITION p;', { postgresVersion: 14 })).toHaveLength(1);
    const sql = 'CREATE TABLE t (k int) PARTITION BY RANGE (k);\nCREATE TABLE p PARTITION OF t FOR VALUES FROM (0) TO (10);\nALTER TABLE t DETACH PARTITION p;';
    expect(await messages(ID, sql)).toEqual([]);
  });

  it('offers no CONCURRENTLY when the history shows a DEFAULT partition, which Postgres refuses it beside', async () => {
    const history = [
      {
        revision: '20260101000000',
        up: [
          'CREATE TABLE events (k int) PARTITION BY RANGE (k);',
          'CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (10);',
          'CREATE TABLE events_other PARTITION OF events DEFAULT;',
          'CREATE TABLE logs (k int) PARTITION BY RANGE (k);',
          'CREATE TABLE logs_1 PARTITION OF logs FOR VALUES FROM (0) TO (10);',
          'CREATE TABLE logs_rest (k int);',
          'ALTER TABLE logs ATTACH PARTITION logs_rest DEFAULT;',
          'CREATE TABLE jobs (k int) PARTITION BY RANGE (k);',
          'CREATE TABLE jobs_1 PARTITION OF jobs FOR VALUES FROM (0) TO (10);',
        ].join('\n'),
      },
      {
        revision: '20260102000000',
        up: 'ALTER TABLE events DETACH PARTITION events_1;\nALTER TABLE logs DETACH PARTITION logs_rest;\nALTER TABLE jobs DETACH PARTITION jobs_1;',
      },
    ];
    const findings = await lintHistory(ID, history);
    expect(findings.map((f) => [f.line, f.fix?.replacement])).toEqual([
      [6, undefined],
      [7, undefined],
      [8, 'ALTER TABLE jobs DETACH PARTITION jobs_1 CONCURRENTLY'],
    ]);
    expect(findings[0]!.help).toBe(
      'DETACH PARTITION ... CONCURRENTLY is refused while the table has a DEFAULT partition ("public.events_other"): "cannot detach partitions concurrently when a default partition exists". Keep the lock wait short with a low `--! Lock-Timeout:` and run it when the table is quiet, or detach the default partition first if it can go.',
    );
    expect(findings[1]!.help).toContain('("public.logs_rest")');
  });

  it('forgets the DEFAULT partition once it is detached', async () => {
    const history = [
      { revision: '20260101000000', up: 'CREATE TABLE events (k int) PARTITION BY RANGE (k);\nCREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (10);\nCREATE TABLE events_other PARTITION OF events DEFAULT;' },
      { revision: '20260102000000', up: 'ALTER TABLE events DETACH PARTITION events_other;' },
      { revision: '20260103000000', up: 'ALTER TABLE events DETACH PARTITION events_1;' },
    ];
    expect((await lintHistory(ID, history)).map((f) => [f.file.slice(11, 25), f.fix?.replacement])).toEqual([
      ['20260102000000', undefined],
      ['20260103000000', 'ALTER TABLE events DETACH PARTITION events_1 CONCURRENTLY'],
    ]);
  });
});

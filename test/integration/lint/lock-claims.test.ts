/**
 * The locks the locking rules name are the locks Postgres takes: each statement runs on a real
 * database, and a second connection reads pg_locks while the first holds them (in an open
 * transaction, or, for a statement that cannot run in one, while it waits for a lock another
 * session holds). The lint finding for the same statement must name those lock modes.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintSources } from '../../../src/lint/engine.js';
import { ruleById } from '../../../src/lint/registry.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { createTestDatabase, waitUntil } from '../../support/db.js';
import { sqlMigration } from '../../support/project.js';

const SETUP = [
  'CREATE TABLE orders (id bigint PRIMARY KEY, customer int);',
  'CREATE INDEX orders_customer ON orders (customer);',
  'INSERT INTO orders SELECT g, g % 10 FROM generate_series(1, 1000) g;',
  'CREATE TABLE events (k int) PARTITION BY RANGE (k);',
  'CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (10);',
  'CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (10) TO (20);',
  'CREATE TABLE logs (k int) PARTITION BY RANGE (k);',
  'CREATE TABLE logs_1 PARTITION OF logs FOR VALUES FROM (0) TO (10);',
  'CREATE TABLE logs_other PARTITION OF logs DEFAULT;',
  'CREATE DOMAIN amount AS int;',
  'CREATE TABLE invoices (id bigint, total amount);',
  'CREATE TABLE refunds (id bigint, total amount);',
  'INSERT INTO invoices VALUES (1, 10);',
  'ALTER DOMAIN amount ADD CONSTRAINT amount_positive CHECK (VALUE > 0) NOT VALID;',
].join('\n');

/** Lock mode as pg_locks names it → as the findings write it. */
const WORDS: Record<string, string> = {
  AccessExclusiveLock: 'ACCESS EXCLUSIVE',
  ShareLock: 'SHARE',
  ShareUpdateExclusiveLock: 'SHARE UPDATE EXCLUSIVE',
};

/** The findings of one rule for `sql`, as a migration on top of SETUP. */
async function findingsFor(rule: string, sql: string, transactionNone = false) {
  const sources = [
    { path: 'migrations/20260101000000_setup.sql', text: sqlMigration('20260101000000', undefined, SETUP) },
    { path: 'migrations/20260102000000_change.sql', text: sqlMigration('20260102000000', '20260101000000', sql, undefined, transactionNone ? ['--! Transaction: none'] : []) },
  ];
  const report = await lintSources(sources, { root: '/project', rules: [ruleById(rule)!], config: { postgresVersion: 18 } });
  return report.findings.filter((f) => f.rule === rule);
}

describe('the locks the locking rules name', () => {
  let db: DatabaseHandle;
  let a: pg.Client;
  let b: pg.Client;
  let pid: number;
  beforeAll(async () => {
    db = await createTestDatabase();
    a = new pg.Client({ connectionString: db.url });
    b = new pg.Client({ connectionString: db.url });
    await a.connect();
    await b.connect();
    await a.query(SETUP);
    pid = (await a.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  });
  afterAll(async () => {
    await a?.end();
    await b?.end();
    await db?.close();
  });

  /** The relation locks `sql` holds at its end, in a transaction rolled back afterwards: `relation mode`, sorted. */
  async function locksHeld(sql: string): Promise<string[]> {
    await a.query('BEGIN');
    try {
      await a.query(sql);
      const { rows } = await b.query<{ relname: string; mode: string }>(
        `SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
          WHERE l.pid = $1 AND l.locktype = 'relation' AND c.relnamespace = 'public'::regnamespace ORDER BY 1, 2`,
        [pid],
      );
      return rows.map((r) => `${r.relname} ${r.mode}`);
    } finally {
      await a.query('ROLLBACK');
    }
  }

  /** The lock `sql` (one that cannot run in a transaction) waits for on `table` while another session reads it. */
  async function lockAwaited(sql: string, table: string): Promise<string> {
    const reader = new pg.Client({ connectionString: db.url });
    await reader.connect();
    try {
      await reader.query(`BEGIN; SELECT count(*) FROM ${table}`);
      const running = a.query(sql);
      let mode = '';
      await waitUntil(`${sql} to wait for a lock`, async () => {
        const { rows } = await b.query<{ mode: string }>(`SELECT mode FROM pg_locks WHERE pid = $1 AND relation = $2::regclass AND NOT granted`, [pid, table]);
        mode = rows[0]?.mode ?? '';
        return mode !== '';
      });
      await reader.query('COMMIT');
      await running;
      return mode;
    } finally {
      await reader.end();
    }
  }

  /** Every lock mode of `locks` is named in the message. */
  function namesModes(message: string, locks: string[]) {
    for (const lock of locks) expect(message).toContain(WORDS[lock.split(' ')[1]!]!);
  }

  it('REINDEX INDEX: SHARE on the table, ACCESS EXCLUSIVE on the index', async () => {
    const sql = 'REINDEX INDEX orders_customer;';
    const locks = await locksHeld(sql);
    expect(locks).toEqual(['orders ShareLock', 'orders_customer AccessExclusiveLock']);
    const [finding] = await findingsFor('require-concurrent-reindex', sql);
    expect(finding!.message).toContain('takes an ACCESS EXCLUSIVE lock on the index and a SHARE lock on its table');
    namesModes(finding!.message, locks);
  });

  it('REINDEX TABLE: SHARE on the table, ACCESS EXCLUSIVE on each index', async () => {
    const sql = 'REINDEX TABLE orders;';
    expect(await locksHeld(sql)).toEqual(['orders ShareLock', 'orders_customer AccessExclusiveLock', 'orders_pkey AccessExclusiveLock']);
    const [finding] = await findingsFor('require-concurrent-reindex', sql);
    expect(finding!.message).toContain('takes a SHARE lock on the table and an ACCESS EXCLUSIVE lock on each of its indexes');
  });

  it('DETACH PARTITION: ACCESS EXCLUSIVE on the partitioned table and the partition', async () => {
    const sql = 'ALTER TABLE events DETACH PARTITION events_1;';
    expect(await locksHeld(sql)).toEqual(['events AccessExclusiveLock', 'events_1 AccessExclusiveLock']);
    const [finding] = await findingsFor('require-concurrent-partition-detach', sql);
    expect(finding!.message).toContain('takes an ACCESS EXCLUSIVE lock on both tables');
    expect(finding!.fix?.replacement).toBe('ALTER TABLE events DETACH PARTITION events_1 CONCURRENTLY');
  });

  it('DETACH PARTITION CONCURRENTLY is refused beside a DEFAULT partition, and the finding offers no CONCURRENTLY there', async () => {
    await expect(a.query('ALTER TABLE logs DETACH PARTITION logs_1 CONCURRENTLY')).rejects.toThrow('cannot detach partitions concurrently when a default partition exists');
    const [finding] = await findingsFor('require-concurrent-partition-detach', 'ALTER TABLE logs DETACH PARTITION logs_1;');
    expect(finding!.fix).toBeUndefined();
    expect(finding!.help).toContain('cannot detach partitions concurrently when a default partition exists');
  });

  it('ALTER DOMAIN that checks existing values: SHARE on every table using the domain; ADD ... NOT VALID: no table lock', async () => {
    for (const sql of ['ALTER DOMAIN amount ADD CONSTRAINT amount_small CHECK (VALUE < 1000);', 'ALTER DOMAIN amount ADD CONSTRAINT amount_set NOT NULL;', 'ALTER DOMAIN amount SET NOT NULL;', 'ALTER DOMAIN amount VALIDATE CONSTRAINT amount_positive;']) {
      expect(await locksHeld(sql), sql).toEqual(['invoices ShareLock', 'refunds ShareLock']);
      const [finding] = await findingsFor('ban-alter-domain-with-add-constraint', sql);
      expect(finding!.message, sql).toContain('checks every column of that type (the history shows "public.invoices.total", "public.refunds.total") under a SHARE lock on each table');
    }
    const notValid = 'ALTER DOMAIN amount ADD CONSTRAINT amount_small CHECK (VALUE < 1000) NOT VALID;';
    expect(await locksHeld(notValid)).toEqual([]);
    expect(await findingsFor('ban-alter-domain-with-add-constraint', notValid)).toEqual([]);
  });

  it('CLUSTER and VACUUM FULL: ACCESS EXCLUSIVE on the table', async () => {
    const cluster = 'CLUSTER orders USING orders_pkey;';
    expect(await locksHeld(cluster)).toContain('orders AccessExclusiveLock');
    const [clusterFinding] = await findingsFor('prefer-repack', cluster);
    expect(clusterFinding!.message).toContain('under an ACCESS EXCLUSIVE lock held until the rewrite ends');
    const vacuum = 'VACUUM FULL orders';
    await expect(a.query('BEGIN; VACUUM FULL orders')).rejects.toThrow('VACUUM cannot run inside a transaction block');
    await a.query('ROLLBACK');
    expect(await lockAwaited(vacuum, 'orders')).toBe('AccessExclusiveLock');
    const [vacuumFinding] = await findingsFor('prefer-repack', `${vacuum};`, true);
    expect(vacuumFinding!.message).toContain('under an ACCESS EXCLUSIVE lock held until the rewrite ends');
  });
});

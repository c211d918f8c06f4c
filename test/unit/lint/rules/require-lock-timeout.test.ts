import { describe, expect, it } from 'vitest';
import { lintHistory, lintRule, messages } from './support.js';

const ID = 'require-lock-timeout';
const ALTER = 'ALTER TABLE locks "t" with no lock_timeout set: while it waits for the lock, every later query on "t" queues behind it.';

describe(ID, () => {
  it('flags the first statement that locks an existing table, once per migration, with a fix', async () => {
    const findings = await lintRule(ID, 'SELECT 1;\nALTER TABLE t ADD COLUMN c boolean;\nCREATE INDEX CONCURRENTLY i ON t (c);');
    expect(findings.map((f) => [f.line, f.message])).toEqual([[2, ALTER]]);
    expect(findings[0]!.fix).toMatchObject({
      description: 'Set lock_timeout before the first statement that locks a table',
      replacement: "SET lock_timeout = '5s';\nALTER TABLE t ADD COLUMN c boolean",
    });
  });

  it('names the statement and the table', async () => {
    expect(await messages(ID, 'COMMENT ON COLUMN s.t.c IS $$an opaque id$$;')).toEqual([
      'COMMENT ON locks "s.t" with no lock_timeout set: while it waits for the lock, every later query on "s.t" queues behind it.',
    ]);
    expect(await messages(ID, 'DROP INDEX idx;')).toEqual([
      'DROP INDEX locks "idx" with no lock_timeout set: while it waits for the lock, every later query on "idx" queues behind it.',
    ]);
    expect(await messages(ID, 'DROP MATERIALIZED VIEW report;')).toEqual([
      'DROP MATERIALIZED VIEW locks "report" with no lock_timeout set: while it waits for the lock, every later query on "report" queues behind it.',
    ]);
    expect(await messages(ID, 'CREATE TABLE child (id bigint, parent_id bigint REFERENCES parent (id));')).toEqual([
      'CREATE TABLE locks "parent" with no lock_timeout set: while it waits for the lock, every later query on "parent" queues behind it.',
    ]);
  });

  it('accepts SET lock_timeout / SET LOCAL / set_config before the statement', async () => {
    expect(await messages(ID, "SET lock_timeout = '1s';\nALTER TABLE t ADD COLUMN c boolean;")).toEqual([]);
    expect(await messages(ID, "SET Lock_Timeout TO 1000;\nALTER TABLE t ADD COLUMN c boolean;")).toEqual([]);
    expect(await messages(ID, "SET LOCAL lock_timeout = '1s';\nALTER TABLE t ADD COLUMN c boolean;")).toEqual([]);
    expect(await messages(ID, "SELECT set_config('lock_timeout', '1s', true);\nALTER TABLE t ADD COLUMN c boolean;")).toEqual([]);
  });

  it('does not count a timeout set after the statement, set to 0, reset, or SET LOCAL outside a transaction', async () => {
    expect(await messages(ID, "ALTER TABLE t ADD COLUMN c boolean;\nSET lock_timeout = '1s';")).toEqual([ALTER]);
    expect(await messages(ID, "SET lock_timeout = 0;\nALTER TABLE t ADD COLUMN c boolean;")).toEqual([ALTER]);
    expect(await messages(ID, "SET lock_timeout = '1s';\nRESET lock_timeout;\nALTER TABLE t ADD COLUMN c boolean;")).toEqual([ALTER]);
    expect(await messages(ID, "SET foo.lock_timeout = '1s';\nALTER TABLE t ADD COLUMN c boolean;")).toEqual([ALTER]);
    expect(await messages(ID, "SET LOCAL lock_timeout = '1s';\nALTER TABLE t ADD COLUMN c boolean;", { assumeInTransaction: false })).toEqual([ALTER]);
  });

  it('names the table of an index the history knows', async () => {
    const history = [
      { revision: '20260101000000', up: 'CREATE TABLE orders (id bigint);\nCREATE INDEX idx_orders_id ON orders (id);', header: ['--! Lock-Timeout: 1s'] },
      { revision: '20260102000000', up: 'DROP INDEX idx_orders_id;' },
    ];
    expect((await lintHistory(ID, history)).map((f) => f.message)).toEqual([
      'DROP INDEX locks "public.orders" with no lock_timeout set: while it waits for the lock, every later query on "public.orders" queues behind it.',
    ]);
  });

  it('accepts a runner that sets lock_timeout, and a Lock-Timeout header', async () => {
    expect(await messages(ID, 'ALTER TABLE t ADD COLUMN c boolean;', { config: { runnerSetsLockTimeout: true } })).toEqual([]);
    const migration = { revision: '20260101000000', up: 'ALTER TABLE t ADD COLUMN c boolean;' };
    expect(await lintHistory(ID, [{ ...migration, header: ['--! Lock-Timeout: 3s'] }])).toEqual([]);
    expect((await lintHistory(ID, [{ ...migration, header: ['--! Lock-Timeout: 0'] }])).map((f) => f.message)).toEqual([ALTER]);
  });

  it("flags a migration that switches off the runner's lock_timeout: SET to 0, RESET or DEFAULT (the server's default, not the runner's value), a Lock-Timeout: 0 header", async () => {
    const runner = { config: { runnerSetsLockTimeout: true } };
    const OFF = 'ALTER TABLE locks "t" with lock_timeout switched off by this migration (the runner\'s runner.lockTimeout no longer applies): while it waits for the lock, every later query on "t" queues behind it.';
    const alter = 'ALTER TABLE t ADD COLUMN note text;';
    for (const off of ['SET lock_timeout = 0;', "SET lock_timeout = '0ms';", 'RESET lock_timeout;', 'SET lock_timeout TO DEFAULT;', 'RESET ALL;', "SELECT set_config('lock_timeout', '0', false);"]) {
      expect({ off, found: await messages(ID, `${off}\n${alter}`, runner) }).toEqual({ off, found: [OFF] });
    }
    // Switched off after the statement, or on again before it: the runner's value (or the new one) holds.
    expect(await messages(ID, `${alter}\nSET lock_timeout = 0;`, runner)).toEqual([]);
    expect(await messages(ID, `SET lock_timeout = 0;\nSET lock_timeout = '2s';\n${alter}`, runner)).toEqual([]);
    expect(await messages(ID, `RESET lock_timeout;\nSET LOCAL lock_timeout = '2s';\n${alter}`, runner)).toEqual([]);
    const migration = { revision: '20260101000000', up: alter };
    expect((await lintHistory(ID, [{ ...migration, header: ['--! Lock-Timeout: 0'] }], runner.config)).map((f) => f.message)).toEqual([OFF]);
    expect(await lintHistory(ID, [{ ...migration, header: ['--! Lock-Timeout: 2s'] }], runner.config)).toEqual([]);
    // A header's own timeout is a SET LOCAL: RESET drops it too.
    expect((await lintHistory(ID, [{ revision: '20260101000000', up: `RESET lock_timeout;\n${alter}`, header: ['--! Lock-Timeout: 2s'] }], runner.config)).map((f) => f.message)).toEqual([OFF]);
  });

  it('accepts statements that lock nothing existing: new tables and objects, reads and writes', async () => {
    const sql = [
      "CREATE TYPE mood AS ENUM ('sad', 'ok');",
      'CREATE TABLE users (id bigint PRIMARY KEY);',
      'ALTER TABLE users ADD COLUMN email text;',
      'CREATE INDEX users_email ON users (email);',
      'CREATE FUNCTION add(integer, integer) RETURNS integer AS $$ select $1 + $2 $$ LANGUAGE sql;',
      'INSERT INTO users VALUES (1);',
      'SELECT * FROM t;',
    ].join('\n');
    expect(await messages(ID, sql)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { lintHistory, lintRule, messages } from './support.js';

const ID = 'backfill-in-ddl-transaction';

describe(ID, () => {
  it('flags an UPDATE in the same transaction as an ALTER TABLE of that table', async () => {
    const findings = await lintRule(ID, 'ALTER TABLE orders ADD COLUMN total numeric;\nUPDATE orders SET total = 0;');
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [
        2,
        'UPDATE of "orders" runs in the same transaction as the ALTER TABLE of "orders" on line 1: the DDL lock is held until commit, so other sessions stay blocked on "orders" for the whole backfill.',
      ],
    ]);
    expect(findings[0]!.severity).toBe('error');
  });

  it('flags a DELETE before a CREATE INDEX in the same transaction', async () => {
    expect(await messages(ID, 'DELETE FROM public.orders WHERE total IS NULL;\nCREATE INDEX orders_total ON orders (total);')).toEqual([
      'DELETE of "public.orders" runs in the same transaction as the CREATE INDEX of "public.orders" on line 2, which follows it: the rows it deletes stay locked until commit, while the CREATE INDEX waits for its lock and then holds it until commit too.',
    ]);
  });

  it('names the DDL before the backfill when there is one, else the one after (Lemmy add_case_insensitive_usernames)', async () => {
    const sql = [
      'DELETE FROM user_ WHERE id NOT IN (SELECT min(id) FROM user_ GROUP BY lower(name));',
      'CREATE UNIQUE INDEX idx_user_name_lower ON user_ (lower(name));',
      "UPDATE user_ SET email = NULL WHERE email = '';",
      'ALTER TABLE user_ ALTER COLUMN email DROP DEFAULT;',
    ].join('\n');
    expect(await messages(ID, sql)).toEqual([
      'DELETE of "user_" runs in the same transaction as the CREATE INDEX of "user_" on line 2, which follows it: the rows it deletes stay locked until commit, while the CREATE INDEX waits for its lock and then holds it until commit too.',
      'UPDATE of "user_" runs in the same transaction as the CREATE INDEX of "user_" on line 2: the DDL lock is held until commit, so other sessions stay blocked on "user_" for the whole backfill.',
    ]);
  });

  it('accepts the backfill outside the DDL transaction, on another table, or on a new table', async () => {
    expect(await messages(ID, 'ALTER TABLE orders ADD COLUMN total numeric;\nUPDATE orders SET total = 0;', { assumeInTransaction: false })).toEqual([]);
    expect(await messages(ID, 'BEGIN;\nALTER TABLE orders ADD COLUMN total numeric;\nCOMMIT;\nUPDATE orders SET total = 0;', { assumeInTransaction: false })).toEqual([]);
    expect(await messages(ID, 'ALTER TABLE orders ADD COLUMN total numeric;\nUPDATE customers SET flag = true;')).toEqual([]);
    expect(await messages(ID, 'CREATE TABLE orders (id bigint);\nALTER TABLE orders ADD COLUMN total numeric;\nUPDATE orders SET total = 0;')).toEqual([]);
    expect(await messages(ID, 'CREATE INDEX CONCURRENTLY orders_total ON orders (total);\nUPDATE orders SET total = 0;', { assumeInTransaction: false })).toEqual([]);
  });

  it('accepts DDL and backfill in separate migrations', async () => {
    const history = [
      { revision: '20260101000000', up: 'CREATE TABLE orders (id bigint PRIMARY KEY);' },
      { revision: '20260102000000', up: 'ALTER TABLE orders ADD COLUMN total numeric;' },
      { revision: '20260103000000', up: 'UPDATE orders SET total = 0 WHERE total IS NULL;' },
    ];
    expect(await lintHistory(ID, history)).toEqual([]);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { cannotRunInTransaction } from '../../../src/adopt/transactions.js';
import { ensureParser, parseSql } from '../../../src/sql/parse.js';

describe('cannotRunInTransaction (adopt marks such files Transaction: none)', () => {
  beforeAll(async () => {
    await ensureParser();
  });
  const refused = (sql: string) => cannotRunInTransaction(parseSql(sql)[0]!);

  it('reads REINDEX CONCURRENTLY in both spellings, and (CONCURRENTLY false) as not concurrent', () => {
    expect(refused('REINDEX INDEX CONCURRENTLY idx_a')).toBe(true);
    expect(refused('REINDEX (CONCURRENTLY) TABLE a')).toBe(true);
    expect(refused('REINDEX (CONCURRENTLY true) TABLE a')).toBe(true);
    expect(refused('REINDEX (CONCURRENTLY false) TABLE a')).toBe(false);
    expect(refused('REINDEX TABLE a')).toBe(false);
  });

  it('reads CREATE and DROP INDEX CONCURRENTLY', () => {
    expect(refused('CREATE INDEX CONCURRENTLY i ON a (b)')).toBe(true);
    expect(refused('DROP INDEX CONCURRENTLY i')).toBe(true);
    expect(refused('CREATE INDEX i ON a (b)')).toBe(false);
  });
});

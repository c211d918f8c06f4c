/**
 * adding-not-nullable-field trusts a validated CHECK (column IS NOT NULL) written with the column
 * qualified by its table: Postgres itself accepts that form and skips SET NOT NULL's scan for it.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { lintSources } from '../../../src/lint/engine.js';
import { ruleById } from '../../../src/lint/registry.js';
import { createTestDatabase } from '../../support/db.js';
import { sqlMigration } from '../../support/project.js';

const CREATE = 'CREATE TABLE a (id bigint PRIMARY KEY, fax text, phone text);\nINSERT INTO a VALUES (1, \'x\', \'y\');';
const PROVE = 'ALTER TABLE a ADD CONSTRAINT a_fax_present CHECK (a.fax IS NOT NULL) NOT VALID;\nALTER TABLE a ADD CONSTRAINT a_phone_present CHECK (public.a.phone IS NOT NULL) NOT VALID;';
const VALIDATE = 'ALTER TABLE a VALIDATE CONSTRAINT a_fax_present;\nALTER TABLE a VALIDATE CONSTRAINT a_phone_present;';
const SET = 'ALTER TABLE a ALTER COLUMN fax SET NOT NULL;\nALTER TABLE a ALTER COLUMN phone SET NOT NULL;';

describe('a table-qualified CHECK (t.c IS NOT NULL) before SET NOT NULL', () => {
  it('is accepted by Postgres, which skips the scan for it, and by adding-not-nullable-field', async () => {
    const db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    try {
      await client.connect();
      const notices: string[] = [];
      client.on('notice', (n) => notices.push(n.message ?? ''));
      for (const sql of [CREATE, PROVE, VALIDATE]) await client.query(sql);
      await client.query('SET client_min_messages = debug1');
      await client.query(SET);
      expect(notices.filter((m) => /are sufficient to prove that it does not contain nulls/.test(m))).toHaveLength(2);
    } finally {
      await client.end();
      await db.close();
    }
    const revisions = ['20260101000000', '20260102000000', '20260103000000', '20260104000000'];
    const sources = [CREATE, PROVE, VALIDATE, SET].map((up, i) => ({ path: `migrations/${revisions[i]}_m.sql`, text: sqlMigration(revisions[i]!, revisions[i - 1], up) }));
    const report = await lintSources(sources, { root: '/project', rules: [ruleById('adding-not-nullable-field')!], config: { postgresVersion: 18 } });
    expect(report.findings).toEqual([]);
  });
});

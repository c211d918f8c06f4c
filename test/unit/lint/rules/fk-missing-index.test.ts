import { describe, expect, it } from 'vitest';
import { lintHistory, lintRule, messages } from './support.js';

const ID = 'fk-missing-index';
const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY);';

describe(ID, () => {
  it('flags a foreign key without an index on its columns, at the statement that adds it', async () => {
    const findings = await lintRule(ID, `${USERS}\nCREATE TABLE emails (\n  id bigint PRIMARY KEY,\n  user_id bigint CONSTRAINT fk_emails_user REFERENCES users (id)\n);`);
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [
        2,
        'Foreign key "fk_emails_user" on "public.emails" (user_id) has no index starting with those columns: every delete or key update in "public.users" scans "public.emails", under a lock.',
      ],
    ]);
    expect(findings[0]!.help).toBe('Add an index on the referencing columns: CREATE INDEX CONCURRENTLY ON public.emails (user_id);');
    expect(findings[0]!.severity).toBe('warning');
  });

  it('accepts an index created later in the same migration, a primary key or a multi-column index leading with the columns', async () => {
    const sql = [
      USERS,
      'CREATE TABLE emails (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id), kind text);',
      'CREATE INDEX emails_user_kind ON emails (user_id, kind);',
      'CREATE TABLE profiles (user_id bigint PRIMARY KEY REFERENCES users (id));',
    ].join('\n');
    expect(await messages(ID, sql)).toEqual([]);
  });

  it('flags an index whose leading column is another one', async () => {
    const sql = `${USERS}\nCREATE TABLE emails (id bigint PRIMARY KEY, user_id bigint, kind text);\nALTER TABLE emails ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id);\nCREATE INDEX emails_kind_user ON emails (kind, user_id);`;
    expect((await lintRule(ID, sql)).map((f) => f.line)).toEqual([3]);
  });

  it('checks foreign keys added to tables of earlier migrations, once', async () => {
    const history = [
      { revision: '20260101000000', up: `${USERS}\nCREATE TABLE emails (id bigint PRIMARY KEY, user_id bigint);` },
      { revision: '20260102000000', up: 'ALTER TABLE emails ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;' },
      { revision: '20260103000000', up: 'ALTER TABLE emails VALIDATE CONSTRAINT fk_user;' },
    ];
    const findings = await lintHistory(ID, history);
    expect(findings.map((f) => [f.file, f.line])).toEqual([['migrations/20260102000000_test.sql', 6]]);
  });
});

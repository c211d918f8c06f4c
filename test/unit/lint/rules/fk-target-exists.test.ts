import { describe, expect, it } from 'vitest';
import { chain, lint } from '../history-support.js';

const ID = 'fk-target-exists';

async function messages(specs: Parameters<typeof chain>[0]): Promise<string[]> {
  return (await lint(chain(specs), { rules: [ID] })).map((f) => f.message);
}

describe(ID, () => {
  it('accepts keys to primary keys, unique constraints, unique indexes and the table itself', async () => {
    expect(
      await messages([
        { up: 'CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE, code text);\nCREATE UNIQUE INDEX users_code ON users (code);' },
        {
          up: `CREATE TABLE jobs (id bigint PRIMARY KEY, user_id bigint REFERENCES users, email text REFERENCES users (email), parent_id bigint REFERENCES jobs (id));
               ALTER TABLE jobs ADD COLUMN code text REFERENCES users (code);
               ALTER TABLE jobs ADD CONSTRAINT jobs_user_fk FOREIGN KEY (user_id) REFERENCES public.users (id) NOT VALID;`,
        },
      ]),
    ).toEqual([]);
  });

  it('names the later migration that creates the referenced table', async () => {
    const specs = chain([{ up: 'CREATE TABLE jobs (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));' }, { up: 'CREATE TABLE users (id bigint PRIMARY KEY);' }]);
    const findings = await lint(specs, { rules: [ID] });
    expect(findings.map((f) => f.message)).toEqual([
      'foreign key on jobs references users, which does not exist yet: it is created by the later migration migrations/20260101000100_change.sql (revision 20260101000100)',
    ]);
    expect(findings[0]!.fix?.description).toContain('after 20260101000100');
    // Created under another name, and renamed to the one referenced.
    const renamed = chain([{ up: 'CREATE TABLE jobs (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));' }, { up: 'CREATE TABLE people (id bigint PRIMARY KEY);\nALTER TABLE people RENAME TO users;' }]);
    expect((await lint(renamed, { rules: [ID] })).map((f) => f.message)).toEqual([
      'foreign key on jobs references users, which does not exist yet: it is created by the later migration migrations/20260101000100_change.sql (revision 20260101000100)',
    ]);
  });

  it('reports a table that never exists, missing columns, and columns without a key', async () => {
    expect(await messages([{ up: 'CREATE TABLE jobs (user_id bigint REFERENCES nobody (id));' }])).toEqual(['foreign key on jobs references nobody (id), which does not exist at this point of the history']);
    expect(await messages([{ up: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);' }, { up: 'ALTER TABLE users ADD COLUMN boss_email text REFERENCES users (mail);' }])).toEqual([
      'foreign key on users references public.users (mail), but public.users has no column mail',
    ]);
    expect(await messages([{ up: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);' }, { up: 'CREATE TABLE t (e text REFERENCES users (email));' }])).toEqual([
      'foreign key on t references public.users (email), which has no primary key or unique constraint on those columns',
    ]);
    expect(await messages([{ up: 'CREATE TABLE users (email text);' }, { up: 'CREATE TABLE t (e text REFERENCES users);' }])).toEqual([
      'foreign key on t references public.users without naming columns, and public.users has no primary key',
    ]);
  });

  it('checks a down section against the schema at that point', async () => {
    const specs = chain([
      { up: 'CREATE TABLE users (id bigint PRIMARY KEY);', down: 'DROP TABLE users;' },
      { up: 'CREATE TABLE jobs (user_id bigint);', down: 'ALTER TABLE jobs ADD CONSTRAINT j FOREIGN KEY (user_id) REFERENCES accounts (id);\nDROP TABLE jobs;' },
    ]);
    expect((await lint(specs, { rules: [ID] })).map((f) => f.message)).toEqual(['foreign key on jobs references accounts (id), which does not exist at this point of the history']);
  });
});

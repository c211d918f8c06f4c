import { describe, expect, it } from 'vitest';
import { chain, lint } from '../history-support.js';

const ID = 'drop-order';
const setup = {
  up: `CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE TABLE jobs (id bigint PRIMARY KEY, user_id bigint REFERENCES users);
CREATE VIEW user_emails AS SELECT email FROM users;`,
  down: 'DROP VIEW user_emails;\nDROP TABLE jobs;\nDROP TABLE users;',
};

async function messages(up: string, down = 'SELECT 1;'): Promise<string[]> {
  return (await lint(chain([setup, { up, down }]), { rules: [ID] })).map((f) => f.message);
}

describe(ID, () => {
  it('accepts a down section that drops dependents first', async () => {
    expect(await lint(chain([setup]), { rules: [ID] })).toEqual([]);
  });

  it('reports a table dropped before the foreign keys and views that depend on it, with the order that works', async () => {
    const findings = await lint(chain([{ ...setup, down: 'DROP TABLE users;\nDROP VIEW user_emails;\nDROP TABLE jobs;' }]), { rules: [ID] });
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [10, 'DROP TABLE public.users while the foreign key jobs_user_id_fkey of public.jobs, the view public.user_emails still depend on it: Postgres refuses the drop ("cannot drop ... because other objects depend on it")'],
    ]);
    expect(findings[0]!.fix?.description).toBe('First ALTER TABLE public.jobs DROP CONSTRAINT jobs_user_id_fkey (or drop public.jobs); then DROP VIEW public.user_emails; then drop TABLE public.users');
  });

  it('accepts dropping dependents in the same statement, or with CASCADE', async () => {
    expect(await messages('DROP VIEW user_emails; DROP TABLE users, jobs;')).toEqual([]);
    expect(await messages('DROP TABLE users CASCADE;')).toEqual([]);
  });

  it('reports a column that a foreign key or a view uses', async () => {
    expect(await messages('ALTER TABLE users DROP COLUMN id;')).toEqual([
      'DROP COLUMN public.users.id while the foreign key jobs_user_id_fkey of public.jobs still depends on it: Postgres refuses the drop ("cannot drop ... because other objects depend on it")',
    ]);
    expect(await messages('ALTER TABLE users DROP COLUMN email;')).toEqual([
      'DROP COLUMN public.users.email while the view public.user_emails still depends on it: Postgres refuses the drop ("cannot drop ... because other objects depend on it")',
    ]);
    expect(await messages('ALTER TABLE jobs DROP COLUMN user_id;')).toEqual([]);
  });

  it('reports a table dropped while a view names it in a regclass constant', async () => {
    expect(await messages("CREATE VIEW sizes AS SELECT pg_relation_size('users') AS bytes;\nDROP VIEW user_emails;\nDROP TABLE jobs, users;")).toEqual([
      'DROP TABLE public.users while the view public.sizes still depends on it: Postgres refuses the drop ("cannot drop ... because other objects depend on it")',
    ]);
  });

  it('reports a view dropped while another view reads it', async () => {
    expect(await messages('CREATE VIEW a AS SELECT email FROM user_emails;\nDROP VIEW user_emails;')).toEqual([
      'DROP VIEW public.user_emails while the view public.a still depends on it: Postgres refuses the drop ("cannot drop ... because other objects depend on it")',
    ]);
  });

  it('flags a type change of a column a view reads, which Postgres refuses (Lemmy drops and recreates post_view around it)', async () => {
    expect(await messages('ALTER TABLE users ALTER COLUMN email TYPE varchar(200);')).toEqual([
      'ALTER COLUMN public.users.email TYPE while the view public.user_emails still reads it: Postgres refuses the change ("cannot alter type of a column used by a view or rule")',
    ]);
    expect(await messages('DROP VIEW user_emails;\nALTER TABLE users ALTER COLUMN email TYPE varchar(200);\nCREATE VIEW user_emails AS SELECT email FROM users;')).toEqual([]);
    expect(await messages('ALTER TABLE users ALTER COLUMN id TYPE numeric;')).toEqual([]);
  });
});

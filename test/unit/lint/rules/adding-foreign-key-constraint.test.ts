import { describe, expect, it } from 'vitest';
import { lintRule, messages } from './support.js';

const ID = 'adding-foreign-key-constraint';

describe(ID, () => {
  it('flags a validated foreign key added to an existing table, with a NOT VALID fix', async () => {
    const findings = await lintRule(ID, 'ALTER TABLE email ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES "user" (id);');
    expect(findings.map((f) => f.message)).toEqual([
      'Adding foreign key "fk_user" to "email" checks every existing row while holding SHARE ROW EXCLUSIVE locks on "email" and "user", blocking writes to both tables.',
    ]);
    expect(findings[0]!.fix).toMatchObject({
      description: 'Add the constraint NOT VALID (and VALIDATE CONSTRAINT in a later migration)',
      replacement: 'ALTER TABLE email ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES "user" (id) NOT VALID',
    });
  });

  it('flags ADD COLUMN ... REFERENCES on an existing table', async () => {
    const findings = await lintRule(ID, 'ALTER TABLE emails ADD COLUMN user_id bigint REFERENCES users (id);');
    expect(findings.map((f) => f.message)).toEqual([
      'Adding a foreign key on (user_id) to "emails" checks every existing row while holding an ACCESS EXCLUSIVE lock on "emails" (its ADD COLUMN takes it), blocking its reads and writes, and a SHARE ROW EXCLUSIVE lock on "users", blocking writes to it.',
    ]);
    expect(findings[0]!.fix).toBeUndefined();
  });

  it('says the table is locked ACCESS EXCLUSIVE when the same ALTER TABLE takes that lock (PostgreSQL 18 pg_locks: AccessExclusiveLock on post)', async () => {
    expect(await messages(ID, 'ALTER TABLE post ADD COLUMN community_ref bigint REFERENCES community (id);')).toEqual([
      'Adding a foreign key on (community_ref) to "post" checks every existing row while holding an ACCESS EXCLUSIVE lock on "post" (its ADD COLUMN takes it), blocking its reads and writes, and a SHARE ROW EXCLUSIVE lock on "community", blocking writes to it.',
    ]);
    expect(await messages(ID, 'ALTER TABLE post ALTER COLUMN community_id SET NOT NULL, ADD CONSTRAINT post_community_fk FOREIGN KEY (community_id) REFERENCES community (id);')).toEqual([
      'Adding foreign key "post_community_fk" to "post" checks every existing row while holding an ACCESS EXCLUSIVE lock on "post" (the statement\'s other subcommands take it), blocking its reads and writes, and a SHARE ROW EXCLUSIVE lock on "community", blocking writes to it.',
    ]);
    expect(await messages(ID, 'ALTER TABLE post ADD CONSTRAINT post_community_fk FOREIGN KEY (community_id) REFERENCES community (id), VALIDATE CONSTRAINT other_fk;')).toEqual([
      'Adding foreign key "post_community_fk" to "post" checks every existing row while holding SHARE ROW EXCLUSIVE locks on "post" and "community", blocking writes to both tables.',
    ]);
  });

  it('accepts NOT VALID, and foreign keys of tables created in the same migration', async () => {
    expect(await messages(ID, 'ALTER TABLE email ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE email VALIDATE CONSTRAINT fk_user;')).toEqual([]);
    expect(await messages(ID, 'CREATE TABLE email (id bigint, user_id bigint REFERENCES users (id));')).toEqual([]);
    expect(await messages(ID, 'CREATE TABLE emails (id uuid, user_id uuid);\nALTER TABLE emails ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id);', { assumeInTransaction: false })).toEqual([]);
  });
});

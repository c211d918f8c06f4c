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
      'Adding a foreign key on (user_id) to "emails" checks every existing row while holding SHARE ROW EXCLUSIVE locks on "emails" and "users", blocking writes to both tables.',
    ]);
    expect(findings[0]!.fix).toBeUndefined();
  });

  it('accepts NOT VALID, and foreign keys of tables created in the same migration', async () => {
    expect(await messages(ID, 'ALTER TABLE email ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE email VALIDATE CONSTRAINT fk_user;')).toEqual([]);
    expect(await messages(ID, 'CREATE TABLE email (id bigint, user_id bigint REFERENCES users (id));')).toEqual([]);
    expect(await messages(ID, 'CREATE TABLE emails (id uuid, user_id uuid);\nALTER TABLE emails ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id);', { assumeInTransaction: false })).toEqual([]);
  });
});

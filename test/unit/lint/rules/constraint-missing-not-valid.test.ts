import { describe, expect, it } from 'vitest';
import { lintRule, messages } from './support.js';

const ID = 'constraint-missing-not-valid';

describe(ID, () => {
  it('flags CHECK and FOREIGN KEY constraints added without NOT VALID, with a fix', async () => {
    const findings = await lintRule(ID, 'ALTER TABLE "accounts" ADD CONSTRAINT "positive_balance" CHECK ("balance" >= 0);');
    expect(findings.map((f) => f.message)).toEqual([
      'Adding CHECK constraint "positive_balance" to "accounts" checks every existing row under an ACCESS EXCLUSIVE lock, blocking reads and writes.',
    ]);
    expect(findings[0]!.fix?.replacement).toBe('ALTER TABLE "accounts" ADD CONSTRAINT "positive_balance" CHECK ("balance" >= 0) NOT VALID');
    expect(await messages(ID, 'ALTER TABLE distributors ADD FOREIGN KEY (address) REFERENCES addresses (address);')).toEqual([
      'Adding a foreign key constraint to "distributors" checks every existing row under a SHARE ROW EXCLUSIVE lock, blocking writes.',
    ]);
  });

  it('flags VALIDATE in the same transaction as the NOT VALID constraint', async () => {
    const sql = 'ALTER TABLE app_email ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES app_user (id) NOT VALID;\nALTER TABLE app_email VALIDATE CONSTRAINT fk_user;';
    expect(await messages(ID, sql)).toEqual([
      'Validating "fk_user" in the same transaction that added it NOT VALID (line 1) keeps the lock of the ADD CONSTRAINT while every row is checked.',
    ]);
    // `--! Transaction: none`: each statement commits on its own.
    expect(await messages(ID, sql, { assumeInTransaction: false })).toEqual([]);
    expect(await messages(ID, `BEGIN;\n${sql}\nCOMMIT;`, { assumeInTransaction: false })).toEqual([
      'Validating "fk_user" in the same transaction that added it NOT VALID (line 2) keeps the lock of the ADD CONSTRAINT while every row is checked.',
    ]);
  });

  it('accepts USING INDEX constraints, UNIQUE (another rule) and new tables', async () => {
    expect(await messages(ID, 'ALTER TABLE account ADD CONSTRAINT account_pk PRIMARY KEY USING INDEX account_pk_idx;')).toEqual([]);
    expect(await messages(ID, 'ALTER TABLE account ADD CONSTRAINT u UNIQUE (email);')).toEqual([]);
    expect(await messages(ID, 'CREATE TABLE core_foo (id bigint, age integer NOT NULL);\nALTER TABLE core_foo ADD CONSTRAINT age_restriction CHECK (age >= 25);')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { lintHistory, lintRule, messages } from './support.js';

const ID = 'ban-alter-domain-with-add-constraint';

describe(ID, () => {
  it('flags ADD CONSTRAINT CHECK without NOT VALID, with NOT VALID as the fix', async () => {
    const findings = await lintRule(ID, 'ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK (VALUE > 0);');
    expect(findings.map((f) => f.message)).toEqual([
      'Adding CHECK constraint "positive_check" on domain "positive" checks every column of that type under a SHARE lock on each table: writes to them wait until the scan ends.',
    ]);
    expect(findings[0]!.fix).toEqual(expect.objectContaining({ replacement: 'ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK (VALUE > 0) NOT VALID' }));
    expect(findings[0]!.help).toContain('Validating it later still takes the same SHARE locks');
  });

  it('accepts NOT VALID, which scans nothing, but flags the forms that do scan: NOT NULL, SET NOT NULL, VALIDATE', async () => {
    expect(await messages(ID, 'ALTER DOMAIN d ADD CONSTRAINT c CHECK (VALUE > 0) NOT VALID;')).toEqual([]);
    const findings = await lintRule(ID, 'ALTER DOMAIN d ADD CONSTRAINT nn NOT NULL;\nALTER DOMAIN d SET NOT NULL;\nALTER DOMAIN d VALIDATE CONSTRAINT c;');
    expect(findings.map((f) => f.message.split(' checks')[0])).toEqual(['Adding NOT NULL constraint "nn" on domain "d"', 'SET NOT NULL on domain "d"', 'Validating constraint "c" on domain "d"']);
    expect(findings.map((f) => f.fix)).toEqual([undefined, undefined, undefined]);
  });

  it('leaves the ALTER DOMAIN forms that check no data alone', async () => {
    const sql = [
      'ALTER DOMAIN d DROP NOT NULL;',
      'ALTER DOMAIN d DROP CONSTRAINT c;',
      'ALTER DOMAIN d RENAME CONSTRAINT c TO e;',
      'ALTER DOMAIN d RENAME TO f;',
      'ALTER DOMAIN f OWNER TO app;',
      'ALTER DOMAIN f SET SCHEMA other;',
      'ALTER DOMAIN other.f SET DEFAULT 1;',
    ].join('\n');
    expect(await messages(ID, sql)).toEqual([]);
  });

  it('stays quiet for a domain the migration created, and names the columns the history shows', async () => {
    expect(await messages(ID, 'CREATE DOMAIN d AS int;\nCREATE TABLE t (a d);\nALTER DOMAIN d ADD CHECK (VALUE > 0);\nALTER DOMAIN public.d SET NOT NULL;')).toEqual([]);
    const history = [
      { revision: '20260101000000', up: 'CREATE DOMAIN amount AS int;\nCREATE TABLE invoices (id bigint, total amount, paid public.amount);\nCREATE TABLE other (x int);' },
      { revision: '20260102000000', up: 'ALTER DOMAIN amount ADD CHECK (VALUE >= 0);' },
    ];
    expect((await lintHistory(ID, history)).map((f) => f.message)).toEqual([
      'Adding a CHECK constraint on domain "amount" checks every column of that type (the history shows "public.invoices.paid", "public.invoices.total") under a SHARE lock on each table: writes to them wait until the scan ends.',
    ]);
  });
});

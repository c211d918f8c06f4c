import { describe, expect, it } from 'vitest';
import { lintRule, messages } from './support.js';

const ID = 'ban-create-domain-with-constraint';

describe(ID, () => {
  it('flags CREATE DOMAIN with CHECK or NOT NULL, at the first constraint', async () => {
    const findings = await lintRule(ID, 'CREATE DOMAIN amount AS numeric(15, 5) CHECK (VALUE > 0);');
    expect(findings.map((f) => [f.column, f.message])).toEqual([
      [40, 'Domain "amount" is created with a CHECK constraint: changing it later takes ALTER DOMAIN, which checks every column of this type, in every table, under a SHARE lock that blocks their writes.'],
    ]);
    expect(findings[0]!.severity).toBe('warning');
    expect(findings[0]!.fix?.replacement).toBeUndefined();
    expect(await messages(ID, 'create domain app.d as text not null check (value <> \'\') default \'x\';')).toEqual([
      'Domain "app.d" is created with a NOT NULL and CHECK constraint: changing it later takes ALTER DOMAIN, which checks every column of this type, in every table, under a SHARE lock that blocks their writes.',
    ]);
  });

  it('accepts a domain with only a default, a collation or NULL', async () => {
    expect(await messages(ID, 'CREATE DOMAIN a AS text;\nCREATE DOMAIN b AS int DEFAULT 0;\nCREATE DOMAIN c AS text COLLATE "C";\nCREATE DOMAIN d AS int NULL;')).toEqual([]);
  });
});

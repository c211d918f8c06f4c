import { describe, expect, it } from 'vitest';
import { lintRule, messages } from './support.js';

const ID = 'ban-truncate-cascade';

describe(ID, () => {
  it('flags TRUNCATE ... CASCADE, with a fix that drops CASCADE', async () => {
    const findings = await lintRule(ID, 'truncate a, b, c cascade;');
    expect(findings.map((f) => f.message)).toEqual([
      'TRUNCATE ... CASCADE empties "a", "b", "c" and also every table that references them through a foreign key, including tables it does not name.',
    ]);
    expect(findings[0]!.fix).toMatchObject({ description: 'Remove CASCADE and list the tables explicitly', replacement: 'truncate a, b, c' });
  });

  it('accepts TRUNCATE without CASCADE', async () => {
    expect(await messages(ID, 'truncate a, b, c;\ntruncate a restrict;')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { rules } from '../../../../src/lint/registry.js';
import { lintHistory, lintRule, messages } from './support.js';

const ID = 'require-enum-value-ordering';
const on = { config: { rules: { [ID]: 'warning' as const } } };

describe(ID, () => {
  it('is off unless configured', async () => {
    expect(rules.find((r) => r.id === ID)!.defaultSeverity).toBe('off');
    expect(await messages(ID, "ALTER TYPE mood ADD VALUE 'meh';")).toEqual([]);
  });

  it('flags ADD VALUE without BEFORE or AFTER', async () => {
    const findings = await lintRule(ID, "ALTER TYPE mood ADD VALUE 'meh';\nALTER TYPE app.mood ADD VALUE IF NOT EXISTS 'it''s ok';", on);
    expect(findings.map((f) => [f.severity, f.message])).toEqual([
      ['warning', 'Label \'meh\' is added to enum "mood" without BEFORE or AFTER: it goes last, and where it sorts (ORDER BY, <, >) is left implicit.'],
      ['warning', 'Label \'it\'\'s ok\' is added to enum "app.mood" without BEFORE or AFTER: it goes last, and where it sorts (ORDER BY, <, >) is left implicit.'],
    ]);
    expect(findings[0]!.fix).toEqual({ description: 'Add BEFORE or AFTER an existing label' });
  });

  it('accepts BEFORE, AFTER and RENAME VALUE', async () => {
    expect(await messages(ID, "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'happy';\nALTER TYPE mood ADD VALUE 'ok' AFTER 'meh';\nALTER TYPE mood RENAME VALUE 'ok' TO 'fine';", on)).toEqual([]);
  });

  it('offers AFTER the last label when the history shows the enum', async () => {
    const history = [
      { revision: '20260101000000', up: "CREATE TYPE status AS ENUM ('new', 'paid');" },
      { revision: '20260102000000', up: "ALTER TYPE status ADD VALUE 'shipped';\nALTER TYPE status ADD VALUE IF NOT EXISTS 'it''s back';" },
    ];
    const findings = await lintHistory(ID, history, { rules: { [ID]: 'warning' } });
    expect(findings.map((f) => f.fix?.replacement)).toEqual(["ALTER TYPE status ADD VALUE 'shipped' AFTER 'paid'", "ALTER TYPE status ADD VALUE IF NOT EXISTS 'it''s back' AFTER 'shipped'"]);
  });
});

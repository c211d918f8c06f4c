import { describe, expect, it } from 'vitest';
import type { BaselinePlan } from '../../../src/baseline/baseline.js';
import { renderBaseline } from '../../../src/cli/commands/baseline.js';
import type { Output } from '../../../src/cli/output.js';

const output: Output = { out: () => {}, err: () => {}, isTTY: false, color: false };

function plan(parts: Partial<BaselinePlan>): BaselinePlan {
  return {
    revision: '20260601080000',
    path: '/p/migrations/20260601080000_baseline.sql',
    name: '20260601080000_baseline',
    text: '-- the migration',
    checksum: 'x',
    counts: { tables: 2, views: 0, functions: 0, types: 0, sequences: 0 },
    roles: [],
    differences: [],
    explained: [],
    versions: { target: 18, replay: 18 },
    leftOut: [],
    ...parts,
  };
}

const where = { database: 'postgresql://db/app', file: 'migrations/20260601080000_baseline.sql', written: false, dryRun: false };
const real = 'column public.t.name was removed';

describe('baseline text output', () => {
  it('lists the real differences, and says nothing was written', () => {
    const text = renderBaseline(output, plan({ differences: [{ kind: 'removed', class: 'structure', objectType: 'column', object: 'public.t.name' }], explained: [real] }), where);
    expect(text).toContain(`Replayed on an empty throwaway database, the baseline differs in 1 place(s):\n  - ${real}\n`);
    expect(text).toContain('Nothing was written or recorded: fix what differs');
    expect(text).not.toContain('gives the same schema');
    expect(text).not.toContain('not a difference');
  });

  it('on success says the schema is the same, once, and never that it differs in 0 places', () => {
    const text = renderBaseline(output, plan({}), { ...where, written: true });
    expect(text).toContain('the baseline gives the same schema.');
    expect(text).not.toContain('differs');
    expect(text).toContain('Wrote migrations/20260601080000_baseline.sql (revision 20260601080000) and recorded it as applied');
  });

  it('says what was left out of the comparison because the versions differ, and why', () => {
    const text = renderBaseline(output, plan({ versions: { target: 15, replay: 18 }, leftOut: ['grant of MAINTAIN on table public.t to <migrator> was added (MAINTAIN exists from Postgres 17: Postgres 15 cannot express it)'] }), where);
    expect(text).toContain('The database runs Postgres 15 and the replay ran on Postgres 18: 1 difference(s) that only the two major versions explain were left out of the comparison:\n  - grant of MAINTAIN on table public.t');
  });
});

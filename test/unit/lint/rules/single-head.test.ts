import { describe, expect, it } from 'vitest';
import { lint, source, summary } from '../history-support.js';

describe('single-head', () => {
  it('names both files and how to re-parent the newer one', async () => {
    const findings = await lint(
      [
        source({ revision: '20260101000000', up: 'SELECT 1;', name: '20260101000000_base.sql' }),
        source({ revision: '20260102000000', revises: '20260101000000', up: 'SELECT 1;', name: '20260102000000_add_jobs.sql' }),
        source({ revision: '20260102100000', revises: '20260102000000', up: 'SELECT 1;', name: '20260102100000_index_jobs.sql' }),
        source({ revision: '20260103000000', revises: '20260101000000', up: 'SELECT 1;', name: '20260103000000_add_users.sql' }),
      ],
      { rules: ['single-head'] },
    );
    expect(summary(findings)).toEqual([
      '20260103000000_add_users.sql:2 single-head: 20260103000000_add_users.sql and 20260102000000_add_jobs.sql both revise 20260101000000: the history branched (two changes were merged in parallel). Re-parent the newer one: set "--! Revises: 20260102100000" in 20260103000000_add_users.sql',
    ]);
    expect(findings[0]!.fix).toMatchObject({ description: 'Set the parent of 20260103000000_add_users.sql to 20260102100000', replacement: '--! Revises: 20260102100000' });
  });

  it('is quiet for one head', async () => {
    expect(await lint([source({ revision: '20260101000000', up: 'SELECT 1;' }), source({ revision: '20260102000000', revises: '20260101000000', up: 'SELECT 1;' })], { rules: ['single-head'] })).toEqual([]);
  });
});

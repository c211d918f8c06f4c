import { describe, expect, it } from 'vitest';
import { renderHistory } from '../../../src/cli/render/history.js';
import type { LedgerEvent } from '../../../src/runner/ledger.js';

const at = new Date('2026-11-23T07:50:00Z');
const event = (e: Partial<LedgerEvent>): LedgerEvent => ({ id: 1, at, action: 'up', revision: null, name: null, checksum: null, dbUser: 'deployer', appliedWith: null, gitCommit: null, durationMs: null, detail: null, ...e });

describe('history text output', () => {
  it('renders deploy and failure events in words, never as raw JSON', () => {
    const text = renderHistory({
      database: 'postgresql://app:***@db/app',
      events: [
        event({ action: 'deploy', durationMs: 1200, detail: { environment: 'staging', outcome: 'succeeded', applied: ['20261201090000', '20261202090000'], rolesChanges: 3, drift: { checked: true, clean: true, findings: 0, managedByRoles: 0, counts: {} }, head: '20261202090000' } }),
        event({ action: 'deploy', detail: { environment: 'staging', outcome: 'failed', applied: ['20261201090000'], error: 'migrations/x.sql:6:14: up failed: relation "nosuch" does not exist (SQLSTATE 42P01)\n> 6 | ...' } }),
        event({ action: 'deploy', detail: { environment: null, outcome: 'succeeded', applied: [], rolesChanges: 0, drift: { checked: false, reason: 'left out (--no-drift)' }, head: null } }),
        event({ action: 'failed', name: '20260102000000_b', detail: { direction: 'down', error: 'table "b_typo" does not exist', checksumBeforeDown: 'abc' } }),
        event({ action: 'failed', name: '20260103000000_c', detail: { direction: 'up', statement: 2, error: 'canceling statement due to lock timeout (SQLSTATE 55P03)', invalidIndexes: ['public.idx_a'], statementsDoneHash: 'x' } }),
        event({ action: 'acknowledge', name: '20260102000000_b', detail: { previousChecksum: '0123456789abcdef', reason: 'only the down section changed', automatic: true } }),
        event({ action: 'resolve', name: '20260103000000_c', detail: { as: 'rolled-back', error: 'up statement 2 failed' } }),
      ],
    });
    expect(text).not.toMatch(/[{}]/);
    expect(text.split('\n')).toEqual([
      'Database: postgresql://app:***@db/app',
      '  2026-11-23 07:50:00  deploy                                               deployer 1200 ms',
      '      environment staging: succeeded; applied 2 migrations (20261201090000, 20261202090000); 3 role statements; drift: none; head 20261202090000',
      '  2026-11-23 07:50:00  deploy                                               deployer',
      '      environment staging: failed; applied 1 migration (20261201090000); error: migrations/x.sql:6:14: up failed: relation "nosuch" does not exist (SQLSTATE 42P01)',
      '  2026-11-23 07:50:00  deploy                                               deployer',
      '      deploy: succeeded; no migration applied; 0 role statements; drift not checked (left out (--no-drift))',
      '  2026-11-23 07:50:00  failed      20260102000000_b                         deployer',
      '      down failed: table "b_typo" does not exist',
      '  2026-11-23 07:50:00  failed      20260103000000_c                         deployer',
      '      up failed at statement 2: canceling statement due to lock timeout (SQLSTATE 55P03); INVALID indexes left: public.idx_a',
      '  2026-11-23 07:50:00  acknowledge 20260102000000_b                         deployer',
      '      recorded by pgwarden: reason: only the down section changed; checksum before 0123456789ab',
      '  2026-11-23 07:50:00  resolve     20260103000000_c                         deployer',
      '      resolved as rolled back (it had stopped: up statement 2 failed)',
      '',
    ]);
  });
});

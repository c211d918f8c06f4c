import { describe, expect, it } from 'vitest';
import { lint, source, summary } from '../history-support.js';

describe('revision-chain', () => {
  it('reports a parent that does not exist', async () => {
    const findings = await lint([source({ revision: '20260101000000', up: 'SELECT 1;' }), source({ revision: '20260102000000', revises: '20251231000000', up: 'SELECT 1;' })], { rules: ['revision-chain'] });
    expect(summary(findings)).toEqual(['20260102000000_change.sql:2 revision-chain: 20260102000000_change.sql revises 20251231000000, which no migration has: fix "Revises:" to name an existing revision']);
  });

  it('reports only the missing parent, not the migrations after it as a cycle (a migration deleted from the middle)', async () => {
    const findings = await lint(
      [
        source({ revision: '20260101000000', up: 'SELECT 1;' }),
        source({ revision: '20260103000000', revises: '20260102000000', up: 'SELECT 1;' }),
        source({ revision: '20260104000000', revises: '20260103000000', up: 'SELECT 1;' }),
        source({ revision: '20260105000000', revises: '20260104000000', up: 'SELECT 1;' }),
      ],
      { rules: ['revision-chain'] },
    );
    expect(summary(findings)).toEqual(['20260103000000_change.sql:2 revision-chain: 20260103000000_change.sql revises 20260102000000, which no migration has: fix "Revises:" to name an existing revision']);
  });

  it('reports a cycle apart from a missing parent', async () => {
    const findings = await lint(
      [
        source({ revision: '20260101000000', up: 'SELECT 1;' }),
        source({ revision: '20260102000000', revises: '20251231000000', up: 'SELECT 1;' }),
        source({ revision: '20260103000000', revises: '20260104000000', up: 'SELECT 1;' }),
        source({ revision: '20260104000000', revises: '20260103000000', up: 'SELECT 1;' }),
      ],
      { rules: ['revision-chain'] },
    );
    expect(findings.map((f) => f.message.split(':')[0])).toEqual(['20260102000000_change.sql revises 20251231000000, which no migration has', 'the revisions 20260103000000 -> 20260104000000 form a cycle (or hang from one)']);
  });

  it('reports every extra root', async () => {
    const findings = await lint([source({ revision: '20260101000000', up: 'SELECT 1;' }), source({ revision: '20260102000000', up: 'SELECT 1;' }), source({ revision: '20260103000000', up: 'SELECT 1;' })], { rules: ['revision-chain'] });
    expect(findings.map((f) => f.file)).toEqual(['migrations/20260102000000_change.sql', 'migrations/20260103000000_change.sql']);
    expect(findings[0]!.message).toContain('3 migrations have no "Revises:"');
  });

  it('reports a cycle', async () => {
    const findings = await lint(
      [source({ revision: '20260101000000', up: 'SELECT 1;' }), source({ revision: '20260102000000', revises: '20260103000000', up: 'SELECT 1;' }), source({ revision: '20260103000000', revises: '20260102000000', up: 'SELECT 1;' })],
      { rules: ['revision-chain'] },
    );
    expect(summary(findings)).toEqual(['20260102000000_change.sql:2 revision-chain: the revisions 20260102000000 -> 20260103000000 form a cycle (or hang from one): each "Revises:" must name an older migration']);
  });

  it('is quiet for a straight line', async () => {
    const findings = await lint([source({ revision: '20260101000000', up: 'SELECT 1;' }), source({ revision: '20260102000000', revises: '20260101000000', up: 'SELECT 1;' })], { rules: ['revision-chain'] });
    expect(findings).toEqual([]);
  });
});

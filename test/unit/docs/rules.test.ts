import { describe, expect, it } from 'vitest';
import type { DocsConfig } from '../../../src/config/types.js';
import { documentationCoverage, formatCoverage } from '../../../src/docs/coverage.js';
import { checkSchemaRules } from '../../../src/docs/rules/index.js';
import { column, foreignKey, index, snapshot, table } from './fixtures.js';

const all: DocsConfig = { requireComment: 'error', requirePrimaryKey: 'error', requireFkIndex: 'warning' };

describe('schema rules', () => {
  it('finds nothing on a documented schema with keys and indexed foreign keys', () => {
    const users = table('users');
    const sessions = table('sessions', {
      columns: [...table('x').columns, column('user_id', { type: 'bigint' })],
      constraints: [...table('sessions').constraints, foreignKey('fk_sessions_user_id', ['user_id'], 'public.users')],
      indexes: [...table('sessions').indexes, index('idx_sessions_user_id', ['user_id'])],
    });
    expect(checkSchemaRules(snapshot([users, sessions]), all)).toEqual([]);
  });

  it('require-comment names every table and column without a comment (blank counts as none)', () => {
    const t = table('notes', { comment: '  ', columns: [column('id', { comment: null }), column('body', { comment: 'Text.' })] });
    const findings = checkSchemaRules(snapshot([t]), all).filter((f) => f.rule === 'require-comment');
    expect(findings.map((f) => [f.objectType, f.object, f.severity])).toEqual([
      ['table', 'public.notes', 'error'],
      ['column', 'public.notes.id', 'error'],
    ]);
    expect(findings[1]!.help).toBe("COMMENT ON COLUMN public.notes.id IS '...';");
  });

  it('require-primary-key skips partitions and foreign tables', () => {
    const heap = table('heap', { constraints: [], indexes: [] });
    const part = table('heap_2026', { constraints: [], indexes: [], partitionOf: { parent: 'public.heap', bound: "FOR VALUES IN ('2026')" } });
    const remote = table('remote', { kind: 'foreign table', constraints: [], indexes: [] });
    const findings = checkSchemaRules(snapshot([heap, part, remote]), all).filter((f) => f.rule === 'require-primary-key');
    expect(findings.map((f) => f.object)).toEqual(['public.heap']);
    expect(findings[0]!.message).toBe('table public.heap has no primary key');
  });

  it('require-fk-index accepts an index that leads with the foreign key columns in any order, and nothing else', () => {
    const fk = foreignKey('fk_m_a_b', ['a', 'b'], 'public.parent', ['x', 'y']);
    const base = { columns: [...table('x').columns, column('a'), column('b'), column('c')], constraints: [...table('m').constraints, fk] };
    const check = (indexes: ReturnType<typeof index>[]) => checkSchemaRules(snapshot([table('m', { ...base, indexes })]), all).filter((f) => f.rule === 'require-fk-index');
    expect(check([index('i', ['b', 'a', 'c'])])).toEqual([]);
    expect(check([index('i', ['a'])])).toHaveLength(1);
    expect(check([index('i', ['c', 'a', 'b'])])).toHaveLength(1);
    expect(check([index('i', ['a', 'b'], { predicate: '(c IS NOT NULL)' })])).toHaveLength(1);
    expect(check([index('i', ['a', 'b'], { valid: false })])).toHaveLength(1);
    const [finding] = check([]);
    expect(finding).toMatchObject({ severity: 'warning', objectType: 'foreign key', object: 'public.m.fk_m_a_b' });
    expect(finding!.help).toBe('CREATE INDEX idx_m_a_b ON public.m (a, b);');
  });

  it('takes each rule severity from the config, and skips rules set to off', () => {
    const bare = table('bare', { comment: null, constraints: [], indexes: [] });
    expect(checkSchemaRules(snapshot([bare]), { requireComment: 'off', requirePrimaryKey: 'warning', requireFkIndex: 'off' }).map((f) => [f.rule, f.severity])).toEqual([['require-primary-key', 'warning']]);
  });
});

describe('documentation coverage', () => {
  it('counts tables and columns, lists what is undocumented, and formats the figure', () => {
    const a = table('a', { columns: [column('id'), column('x', { comment: null }), column('y')] });
    const b = table('b', { comment: null });
    const coverage = documentationCoverage(snapshot([a, b]));
    expect(coverage.tables).toEqual({ documented: 1, total: 2 });
    expect(coverage.columns).toEqual({ documented: 3, total: 4 });
    expect(coverage.undocumented).toEqual(['public.a.x', 'public.b']);
    expect(formatCoverage(coverage)).toBe('tables 1/2 documented (50.0%), columns 3/4 documented (75.0%)');
    expect(formatCoverage(documentationCoverage(snapshot([])))).toBe('tables 0/0 documented (100.0%), columns 0/0 documented (100.0%)');
  });
});

import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../../src/catalog/diff.js';
import { renderDiff } from '../../../src/catalog/render-diff.js';
import type { CatalogSnapshot, ColumnSnapshot, TableSnapshot } from '../../../src/catalog/types.js';

function column(name: string, position: number, extra: Partial<ColumnSnapshot> = {}): ColumnSnapshot {
  return { name, position, type: 'text', nullable: true, default: null, identity: null, generated: null, collation: null, comment: null, ...extra };
}

function table(name: string, extra: Partial<TableSnapshot> = {}): TableSnapshot {
  return {
    schema: 'public',
    name,
    kind: 'table',
    persistence: 'permanent',
    partitionKey: null,
    partitionOf: null,
    inherits: [],
    rowSecurity: { enabled: false, forced: false },
    options: [],
    owner: 'app',
    comment: null,
    columns: [column('id', 1, { type: 'bigint', nullable: false })],
    constraints: [],
    indexes: [],
    triggers: [],
    policies: [],
    privileges: [{ grantee: 'app', privilege: 'SELECT', grantable: false, grantor: 'app' }],
    ...extra,
  };
}

function snapshot(extra: Partial<CatalogSnapshot> = {}): CatalogSnapshot {
  return {
    format: 1,
    database: { owner: 'app', comment: null, privileges: [] },
    extensions: {},
    schemas: { public: { name: 'public', owner: 'app', comment: null, privileges: [] } },
    tables: {},
    views: {},
    sequences: {},
    functions: {},
    enums: {},
    domains: {},
    compositeTypes: {},
    rangeTypes: {},
    defaultPrivileges: [],
    ...extra,
  };
}

const clone = <T>(value: T): T => structuredClone(value);

describe('diffSnapshots', () => {
  const jobs = table('jobs', {
    columns: [column('id', 1, { type: 'bigint', nullable: false }), column('status', 2, { type: 'public.job_status', nullable: false, default: "'pending'::public.job_status", comment: 'State' })],
    indexes: [{ name: 'idx_jobs_status', method: 'btree', unique: false, primary: false, valid: true, keys: ['status'], include: [], predicate: null, constraint: null, definition: 'CREATE INDEX idx_jobs_status ON public.jobs USING btree (status)', comment: null }],
  });
  const base = snapshot({ tables: { 'public.jobs': jobs }, enums: { 'public.job_status': { schema: 'public', name: 'job_status', labels: ['pending', 'done'], owner: 'app', comment: null, privileges: [] } } });

  it('is empty for equal snapshots', () => {
    expect(diffSnapshots(base, clone(base))).toEqual([]);
  });

  it('reports added and removed objects with their class', () => {
    const after = clone(base);
    delete after.enums['public.job_status'];
    after.tables['public.audit'] = table('audit');
    expect(diffSnapshots(base, after).map((e) => [e.kind, e.class, e.objectType, e.object])).toEqual([
      ['removed', 'structure', 'type', 'public.job_status'],
      ['added', 'structure', 'table', 'public.audit'],
    ]);
  });

  it('reports a changed property with its path, before and after', () => {
    const after = clone(base);
    after.tables['public.jobs']!.columns[1]!.default = null;
    after.tables['public.jobs']!.rowSecurity.enabled = true;
    expect(diffSnapshots(base, after)).toEqual([
      { kind: 'changed', class: 'security', objectType: 'table', object: 'public.jobs', path: 'rowSecurity.enabled', before: false, after: true },
      { kind: 'changed', class: 'structure', objectType: 'column', object: 'public.jobs.status', parent: { objectType: 'table', object: 'public.jobs' }, path: 'default', before: "'pending'::public.job_status", after: null },
    ]);
  });

  it('matches parts by name: a missing index, an added column', () => {
    const after = clone(base);
    after.tables['public.jobs']!.indexes = [];
    after.tables['public.jobs']!.columns.push(column('note', 3));
    expect(diffSnapshots(base, after).map((e) => [e.kind, e.objectType, e.object])).toEqual([
      ['added', 'column', 'public.jobs.note'],
      ['removed', 'index', 'public.idx_jobs_status'],
    ]);
  });

  it('classes privileges and owners as security, comments as documentation', () => {
    const after = clone(base);
    after.tables['public.jobs']!.privileges.push({ grantee: 'PUBLIC', privilege: 'SELECT', grantable: false, grantor: 'app' });
    after.tables['public.jobs']!.owner = 'someone';
    after.tables['public.jobs']!.columns[1]!.comment = 'Status';
    after.defaultPrivileges.push({ role: 'app', schema: 'public', objectType: 'table', grantee: 'PUBLIC', privilege: 'SELECT', grantable: false });
    expect(diffSnapshots(base, after).map((e) => [e.class, e.objectType, e.path ?? e.kind])).toEqual([
      ['security', 'table', 'owner'],
      ['documentation', 'column', 'comment'],
      ['security', 'privilege', 'added'],
      ['security', 'default privilege', 'added'],
    ]);
  });

  it('leaves out what the options say', () => {
    const after = clone(base);
    after.tables['public.jobs']!.columns.reverse().forEach((c, i) => (c.position = i + 1));
    after.tables['public.jobs']!.comment = 'Jobs';
    after.tables['public.jobs']!.owner = 'someone';
    after.tables['public.jobs']!.privileges = [];
    after.defaultPrivileges.push({ role: 'app', schema: null, objectType: 'function', grantee: 'app', privilege: 'EXECUTE', grantable: false });
    expect(diffSnapshots(base, after).length).toBe(6);
    expect(diffSnapshots(base, after, { ignoreColumnOrder: true, ignoreComments: true, ignoreOwners: true, ignorePrivileges: true })).toEqual([]);
    expect(diffSnapshots(base, after, { ignoreColumnOrder: true, ignoreComments: true, ignoreOwners: true }).map((e) => e.objectType)).toEqual(['privilege', 'default privilege']);
  });
});

describe('renderDiff', () => {
  const before = snapshot({
    tables: {
      'public.jobs': table('jobs', {
        columns: [column('id', 1), column('status', 2, { default: "'pending'::public.job_status" })],
        indexes: [{ name: 'idx_targets_platform', method: 'btree', unique: false, primary: false, valid: true, keys: ['platform'], include: [], predicate: null, constraint: null, definition: '', comment: null }],
      }),
    },
  });

  it('words what down failed to restore', () => {
    const after = clone(before);
    after.tables['public.jobs']!.columns[1]!.default = null;
    after.tables['public.jobs']!.indexes = [];
    after.tables['public.jobs']!.columns[0]!.nullable = false;
    after.enums['public.job_status'] = { schema: 'public', name: 'job_status', labels: ['pending'], owner: 'app', comment: null, privileges: [] };
    after.tables['public.jobs']!.privileges.push({ grantee: 'PUBLIC', privilege: 'UPDATE', grantable: true, grantor: 'app', column: 'status' });
    expect(renderDiff(diffSnapshots(before, after))).toEqual([
      'type public.job_status still exists',
      'nullability of column public.jobs.id changed from nullable to NOT NULL',
      "default of column public.jobs.status changed from 'pending'::public.job_status to NULL",
      'index idx_targets_platform on table public.jobs is missing',
      'grant of UPDATE (status) on table public.jobs to PUBLIC WITH GRANT OPTION still exists',
    ]);
  });

  it('words drift as expected against actual', () => {
    const after = clone(before);
    after.tables['public.jobs']!.comment = 'Jobs';
    after.tables['public.audit'] = table('audit');
    expect(renderDiff(diffSnapshots(before, after), { wording: 'drift' })).toEqual(['table public.audit exists but is not expected', "comment of table public.jobs is 'Jobs', expected NULL"]);
  });
});

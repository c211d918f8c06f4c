import { describe, expect, it } from 'vitest';
import { MIGRATOR, canonicalSnapshot, principalOwner } from '../../../src/docs/canonical.js';
import { compareWithReference } from '../../../src/drift/compare.js';
import { applyIgnores, globPattern } from '../../../src/drift/ignore.js';
import { ledgerFindings } from '../../../src/drift/ledger.js';
import type { Privilege, ViewSnapshot } from '../../../src/catalog/types.js';
import type { StatusReport } from '../../../src/runner/status.js';
import { column, snapshot, table } from './fixtures.js';

const owned = (name: string, owner: string, extra: Parameters<typeof table>[1] = {}) =>
  table(name, {
    owner,
    privileges: ['SELECT', 'MAINTAIN'].map((privilege) => ({ grantee: owner, privilege, grantable: false, grantor: owner })),
    ...extra,
  });

describe('compareWithReference', async () => {
  const reference = canonicalSnapshot(snapshot([owned('users', 'postgres'), owned('jobs', 'postgres')]), 'postgres');

  it("reads the committed snapshot's migrating role as the database's own", async () => {
    expect(principalOwner(reference)).toBe(MIGRATOR);
    const live = snapshot([owned('users', 'migrator'), owned('jobs', 'migrator')], { database: { owner: 'dba', comment: 'prod', privileges: [] } });
    expect(await compareWithReference(reference, live, 'snapshot')).toEqual([]);
  });

  it('reports an object owned by another role once, as an owner change', async () => {
    const live = snapshot([owned('users', 'migrator'), owned('jobs', 'alice')], { database: { owner: 'migrator', comment: null, privileges: [] } });
    const findings = await compareWithReference(reference, live, 'snapshot');
    expect(findings.map((f) => [f.class, f.objectType, f.object, f.path, f.message])).toEqual([['security', 'table', 'public.jobs', 'owner', 'owner of table public.jobs is alice, expected migrator']]);
  });

  it('leaves MAINTAIN out when only one server knows it (Postgres 17 against 15)', async () => {
    const pg15 = snapshot([owned('users', 'migrator', { privileges: [{ grantee: 'migrator', privilege: 'SELECT', grantable: false, grantor: 'migrator' }] }), owned('jobs', 'migrator', { privileges: [{ grantee: 'migrator', privilege: 'SELECT', grantable: false, grantor: 'migrator' }] })]);
    expect(await compareWithReference(reference, pg15, 'snapshot')).toEqual([]);
  });

  it('compares a view printed by another major version by what it means, not by its text', async () => {
    const view = (definition: string, owner: string): ViewSnapshot => ({ schema: 'public', name: 'v', materialized: false, definition, options: [], owner, comment: null, columns: [], indexes: [], triggers: [], privileges: [] });
    const withView = (definition: string, owner: string) => ({ ...snapshot([owned('users', owner), owned('jobs', owner)]), views: { 'public.v': view(definition, owner) } });
    // Postgres 18 (the committed snapshot) and 15 (the database) print the same view.
    const expected = canonicalSnapshot(withView(' SELECT id,\n    email\n   FROM public.users\n  WHERE email IS NOT NULL;', 'postgres'), 'postgres');
    const pg15 = withView(' SELECT users.id,\n    users.email\n   FROM public.users\n  WHERE users.email IS NOT NULL;', 'migrator');
    expect(await compareWithReference(expected, pg15, 'snapshot')).toEqual([]);
    // A view that selects another column is still drift.
    const changed = withView(' SELECT users.id,\n    users.name\n   FROM public.users\n  WHERE users.email IS NOT NULL;', 'migrator');
    expect((await compareWithReference(expected, changed, 'snapshot')).map((f) => f.message)).toEqual([
      'definition of view public.v is SELECT users.id, users.name FROM public.users WHERE users.email IS NOT NULL;, expected SELECT id, email FROM public.users WHERE email IS NOT NULL;',
    ]);
  });

  it('classifies structure, security and documentation differences, with the objects named', async () => {
    const live = snapshot([
      owned('users', 'migrator', { columns: [...table('x').columns, column('extra')], comment: 'Changed by hand' }),
      owned('jobs', 'migrator', { privileges: [...owned('jobs', 'migrator').privileges, { grantee: 'PUBLIC', privilege: 'SELECT', grantable: false, grantor: 'migrator' }] }),
    ]);
    const findings = await compareWithReference(reference, live, 'snapshot');
    expect(findings.map((f) => [f.class, f.kind, f.objectType, f.object, f.grantee])).toEqual([
      ['security', 'added', 'privilege', 'public.jobs', 'PUBLIC'],
      ['documentation', 'changed', 'table', 'public.users', undefined],
      ['structure', 'added', 'column', 'public.users.extra', undefined],
    ]);
  });

  it('compares two environments by their own migrating roles, database included', async () => {
    const staging = snapshot([owned('users', 'stage_owner')], { database: { owner: 'stage_owner', comment: null, privileges: [] } });
    const prod = snapshot([owned('users', 'prod_owner')], { database: { owner: 'prod_owner', comment: 'Production', privileges: [] } });
    expect((await compareWithReference(prod, staging, 'environment')).map((f) => f.message)).toEqual(["comment of database database is NULL, expected 'Production'"]);
  });
});

describe('compareWithReference of two environments whose database owner is not the migrating role', () => {
  /** A database's privileges as Postgres expands a NULL ACL (acldefault): the owner's, and PUBLIC's CONNECT and TEMPORARY. */
  const database = (owner: string, extra: Privilege[] = []) => ({
    owner,
    comment: null,
    privileges: [
      ...['CONNECT', 'CREATE', 'TEMPORARY'].map((privilege) => ({ grantee: owner, privilege, grantable: false, grantor: owner })),
      ...['CONNECT', 'TEMPORARY'].map((privilege) => ({ grantee: 'PUBLIC', privilege, grantable: false, grantor: owner })),
      ...extra,
    ],
  });
  // Both databases created by postgres; staging's schema built by migrator, prod's by postgres.
  const staging = snapshot([owned('users', 'migrator'), owned('jobs', 'migrator')], { database: database('postgres') });
  const prod = snapshot([owned('users', 'postgres'), owned('jobs', 'postgres')], { database: database('postgres') });

  it('finds no drift on the database object', async () => {
    expect(await compareWithReference(prod, staging, 'environment')).toEqual([]);
    expect(await compareWithReference(staging, prod, 'environment')).toEqual([]);
  });

  it("maps a grant on the database to the migrating role, and reports a changed database owner once", async () => {
    const connect = (grantee: string): Privilege => ({ grantee, privilege: 'CONNECT', grantable: false, grantor: 'postgres' });
    const stagingWithGrant = { ...staging, database: database('postgres', [connect('migrator')]) };
    const prodWithGrant = snapshot([owned('users', 'prod_migrator'), owned('jobs', 'prod_migrator')], { database: database('postgres', [connect('prod_migrator')]) });
    expect(await compareWithReference(prodWithGrant, stagingWithGrant, 'environment')).toEqual([]);
    expect((await compareWithReference(prodWithGrant, staging, 'environment')).map((f) => f.message)).toEqual(['grant of CONNECT on database database to migrator is missing']);
    const other = { ...staging, database: database('dba') };
    expect((await compareWithReference(prod, other, 'environment')).map((f) => f.message)).toEqual(['owner of database database is dba, expected postgres']);
  });
});

describe('driftIgnore patterns', () => {
  const finding = (extra: object) => ({ class: 'structure' as const, kind: 'added' as const, objectType: 'column' as const, object: 'public.jobs.legacy_flag', message: 'm', ...extra });

  it('match the object, object.path, "type object", "privilege object to grantee", each with an optional class prefix', () => {
    const column = finding({});
    const comment = finding({ class: 'documentation', kind: 'changed', object: 'public.users.email', path: 'comment' });
    const grant = finding({ class: 'security', objectType: 'privilege', object: 'public.users', grantee: 'PUBLIC' });
    const all = [column, comment, grant];
    const ignored = (patterns: string[]) => applyIgnores(all, patterns).ignored;
    expect(ignored(['public.jobs.*'])).toEqual([column]);
    expect(ignored(['public.users.*.comment'])).toEqual([comment]);
    expect(ignored(['column public.jobs.*'])).toEqual([column]);
    expect(ignored(['column public.*'])).toEqual([column, comment]);
    expect(ignored(['privilege * to PUBLIC'])).toEqual([grant]);
    expect(ignored(['documentation:*'])).toEqual([comment]);
    expect(ignored(['public.users'])).toEqual([grant]);
    expect(ignored(['public.jobs'])).toEqual([]);
  });

  it('treat * and ? as wildcards and everything else literally', () => {
    expect(globPattern('public.t?').test('public.t1')).toBe(true);
    expect(globPattern('public.t?').test('publicXt1')).toBe(false);
    expect(globPattern('a(b)+').test('a(b)+')).toBe(true);
  });
});

describe('ledgerFindings', () => {
  it('reports pending, out of order, unknown, modified and partial revisions', () => {
    const base = { description: '', file: undefined, appliedAt: undefined, appliedBy: undefined, durationMs: undefined, checksum: undefined, partial: undefined, outOfOrder: false };
    const status = {
      migrations: [
        { ...base, revision: '1', name: '1_a', state: 'applied' },
        { ...base, revision: '2', name: '2_b', state: 'pending', outOfOrder: true },
        { ...base, revision: '3', name: '3_c', state: 'modified', checksum: { file: 'f', applied: 'a' } },
        { ...base, revision: '4', name: '4_d', state: 'partial', partial: { statementsDone: 1, statementsTotal: 3, error: 'x' } },
        { ...base, revision: '5', name: '5_e', state: 'pending' },
        { ...base, revision: '9', name: '9_ghost', state: 'missing' },
      ],
    } as unknown as StatusReport;
    expect(ledgerFindings(status, 'prod').map((f) => [f.kind, f.object, f.message])).toEqual([
      ['out of order', '2', 'migration 2_b is not applied in prod, though later ones are (out of order)'],
      ['modified', '3', 'migration 3_c was applied in prod from a different version of its file (checksum changed since)'],
      ['partial', '4', 'migration 4_d stopped partway in prod after 1 of 3 statements'],
      ['pending', '5', 'migration 5_e is not applied in prod (pending)'],
      ['unknown', '9', 'revision 9 (9_ghost) is applied in prod but the repository has no such migration'],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { compareReplay } from '../../../src/baseline/baseline.js';
import { diffAcrossVersions } from '../../../src/catalog/across-versions.js';
import type { DiffEntry } from '../../../src/catalog/diff.js';
import { renderEntry } from '../../../src/catalog/render-diff.js';
import type { CatalogSnapshot } from '../../../src/catalog/types.js';
import { compareAcrossVersions } from '../../../src/drift/compare.js';
import { snapshot, table } from '../docs/fixtures.js';

/** A snapshot with pgcrypto at `version`, read on Postgres `major` (none: an older pgwarden wrote it), its table's owner holding MAINTAIN from 17 on. */
function withPgcrypto(version: string, major: number | undefined): CatalogSnapshot {
  const privileges = ['SELECT', ...(major === undefined || major >= 17 ? ['MAINTAIN'] : [])].map((privilege) => ({ grantee: 'migrator', privilege, grantable: false, grantor: 'migrator' }));
  const base = snapshot([table('t', { owner: 'migrator', privileges })], { extensions: { pgcrypto: { name: 'pgcrypto', schema: 'public', version, comment: null } } });
  return major === undefined ? base : { ...base, postgresMajor: major };
}

const versionChange = (before: string, after: string): DiffEntry => ({ kind: 'changed', class: 'structure', objectType: 'extension', object: 'pgcrypto', path: 'version', before, after });

describe("an extension's version across major versions (baseline, docs --check and drift alike)", () => {
  it('is set aside between two majors, with why', async () => {
    const compared = await diffAcrossVersions(withPgcrypto('1.4', 18), withPgcrypto('1.3', 15));
    expect(compared.differences).toEqual([]);
    expect(compared.versionOnly.map((v) => [v.entry.objectType, v.entry.path, v.reason])).toEqual([
      ['extension', 'version', "CREATE EXTENSION installs the server's own packaged default version, which differs between major versions: Postgres 18 and 15 here"],
      ['privilege', undefined, 'MAINTAIN exists from Postgres 17: Postgres 15 cannot express it'],
    ]);
    // 17 against 18: both have MAINTAIN, the packaged versions may still differ.
    expect((await diffAcrossVersions(withPgcrypto('1.4', 18), withPgcrypto('1.3', 17))).differences).toEqual([]);
  });

  it('is a real difference on one major, and says so', async () => {
    const compared = await diffAcrossVersions(withPgcrypto('1.4', 18), withPgcrypto('1.3', 18));
    expect(compared.versionOnly).toEqual([]);
    expect(compared.differences.map((d) => renderEntry(d, 'drift'))).toEqual(['version of extension pgcrypto is 1.3, expected 1.4 (both servers run Postgres 18: not explained by the major version)']);
  });

  it('without the major of a committed snapshot, is set aside only when MAINTAIN tells the majors apart', async () => {
    expect((await diffAcrossVersions(withPgcrypto('1.4', undefined), withPgcrypto('1.3', 15))).differences).toEqual([]);
    const unknown = await diffAcrossVersions(withPgcrypto('1.4', undefined), withPgcrypto('1.3', 18));
    expect(unknown.differences.map((d) => renderEntry(d, 'neutral'))).toEqual([
      'version of extension pgcrypto changed from 1.4 to 1.3 (the committed snapshot does not record the Postgres major version it was made on (an older pgwarden wrote it): regenerate it with pgwarden docs, so that a version only another major explains is set aside)',
    ]);
  });

  it('is compared by baseline with the same code', async () => {
    const entry = versionChange('1.3', '1.4');
    expect(await compareReplay([entry], { target: 15, replay: 18 })).toEqual({
      differences: [],
      leftOut: ["version of extension pgcrypto changed from 1.3 to 1.4 (CREATE EXTENSION installs the server's own packaged default version, which differs between major versions: Postgres 15 and 18 here)"],
    });
    expect(await compareReplay([entry], { target: 18, replay: 18 })).toEqual({ differences: [{ ...entry, note: 'both servers run Postgres 18: not explained by the major version' }], leftOut: [] });
  });

  it('is said by drift: set aside across majors, a finding with its note on one major', async () => {
    const across = await compareAcrossVersions(withPgcrypto('1.4', 18), withPgcrypto('1.3', 15), 'snapshot', { expected: 'schema/snapshot.json', actual: 'prod' });
    expect(across.findings).toEqual([]);
    expect(across.versionOnly).toEqual([
      '1 MAINTAIN grant schema/snapshot.json has and prod has not (MAINTAIN exists from Postgres 17: Postgres 15 cannot express it)',
      "version of extension pgcrypto changed from 1.4 to 1.3 (CREATE EXTENSION installs the server's own packaged default version, which differs between major versions: Postgres 18 and 15 here)",
    ]);
    const same = await compareAcrossVersions(withPgcrypto('1.4', 18), withPgcrypto('1.3', 18), 'snapshot');
    expect(same.versionOnly).toEqual([]);
    expect(same.findings.map((f) => [f.class, f.objectType, f.object, f.message])).toEqual([
      ['structure', 'extension', 'pgcrypto', 'version of extension pgcrypto is 1.3, expected 1.4 (both servers run Postgres 18: not explained by the major version)'],
    ]);
  });
});

import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotOf, snapshotOptionsFor } from '../../../src/catalog/snapshot.js';
import { resolveConfig } from '../../../src/config/load.js';
import type { PgwardenConfig } from '../../../src/config/types.js';
import { generateDocs } from '../../../src/docs/generate.js';
import type { DocsResult } from '../../../src/docs/types.js';
import { writeDocs } from '../../../src/docs/write.js';
import { checkDrift } from '../../../src/drift/drift.js';
import type { DriftFinding } from '../../../src/drift/types.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { runMigrations } from '../../../src/runner/run.js';
import { driftJson } from '../../../src/cli/commands/drift.js';
import { runCli } from '../../support/cli.js';
import { adminUrl, createTestDatabase, query } from '../../support/db.js';
import { tempProject, type TempProject } from '../../support/project.js';

const HEAD = '20261118093000';

/** What a test asserts of a finding: its class and what it is about. */
const brief = (f: DriftFinding) => ({ class: f.class, kind: f.kind, objectType: f.objectType, object: f.object, ...(f.path ? { path: f.path } : {}) });
const databaseName = (db: DatabaseHandle) => decodeURIComponent(new URL(db.url).pathname.slice(1));

/** The hand-made changes of the issue: a column added, an index dropped, a grant to PUBLIC, a comment edited. */
const HAND_CHANGES = `
  ALTER TABLE jobs ADD COLUMN legacy_flag boolean;
  DROP INDEX idx_jobs_created_by;
  GRANT SELECT ON users TO PUBLIC;
  COMMENT ON COLUMN users.email IS 'Edited by hand';
`;

const HAND_FINDINGS = [
  { class: 'structure', kind: 'added', objectType: 'column', object: 'public.jobs.legacy_flag' },
  { class: 'structure', kind: 'removed', objectType: 'index', object: 'public.idx_jobs_created_by' },
  { class: 'security', kind: 'added', objectType: 'privilege', object: 'public.users' },
  { class: 'documentation', kind: 'changed', objectType: 'column', object: 'public.users.email', path: 'comment' },
];

describe('pgwarden drift on a copy of the reference database', () => {
  let project: TempProject;
  let docs: DocsResult;
  let reference: DatabaseHandle;
  const copies: DatabaseHandle[] = [];
  /** A copy of the reference database (schema and ledger), made from it as a template. */
  const copyOfReference = async (sql?: string) => {
    const db = await createTestDatabase(databaseName(reference));
    copies.push(db);
    if (sql) await query(db.url, sql);
    return db;
  };
  const withEnvironments = (environments: PgwardenConfig['environments']) => resolveConfig({ environments }, undefined, project.root);

  beforeAll(async () => {
    project = tempProject({ copyReference: true });
    docs = await generateDocs(project.config, { url: adminUrl() });
    writeDocs(docs);
    reference = await createTestDatabase();
    await runMigrations(project.config, reference, 'up');
  });
  afterAll(async () => {
    for (const db of copies) await db.close();
    await reference?.close();
    project?.cleanup();
  });

  it('finds no drift on a database the migrations built', async () => {
    const report = await checkDrift(project.config, { url: reference.url });
    expect(report.findings).toEqual([]);
    expect(report.clean).toBe(true);
    expect(report.readOnly).toBe(true);
    expect(report.tables).toBe(16);
    expect(report.reference).toEqual({ kind: 'snapshot', file: 'schema/snapshot.json' });
  });

  it('judges the privileges of roles that roles.yaml declares by that file: a grant made by hand is security drift', async () => {
    const role = `drift_readers_${Date.now().toString(36)}`;
    const rolesFile = project.config.roles.file;
    (await import('node:fs')).mkdirSync(join(project.root, 'schema'), { recursive: true });
    writeFileSync(rolesFile, `version: 1\nroles:\n  ${role}:\n    comment: Reads users and credentials.\ngrants:\n  - to: ${role}\n    schema: public\n    profile: read\n    tables: [users, credentials]\n`);
    await query(adminUrl(), `CREATE ROLE ${role}`);
    // As roles apply leaves it, but for SELECT on credentials; and a grant to PUBLIC, which the snapshot judges.
    const applied = await copyOfReference(`GRANT USAGE ON SCHEMA public TO ${role}; GRANT SELECT ON users TO ${role}; GRANT SELECT ON jobs TO PUBLIC;`);
    // Then by hand: everything on both tables (the auditor's GRANT ALL to a read-only role).
    const byHand = await copyOfReference(`GRANT USAGE ON SCHEMA public TO ${role}; GRANT ALL ON users, credentials TO ${role};`);
    try {
      const report = await checkDrift(project.config, { url: applied.url });
      expect(report.findings.map((f) => [f.class, f.kind, f.objectType, f.object, f.grantee])).toEqual([
        ['security', 'added', 'privilege', 'public.jobs', 'PUBLIC'],
        ['security', 'removed', 'privilege', 'public.credentials', role],
      ]);
      expect(report.findings[1]!.message).toBe(`grant of SELECT on table public.credentials to ${role} is missing (schema/roles.yaml grants it)`);
      // The snapshot's view of the same grants, for reference (and in --json).
      expect(report.managedByRoles.map((f) => [f.kind, f.object, f.grantee])).toEqual([['added', 'public', role], ['added', 'public.users', role]]);
      expect(driftJson(report).managedByRoles).toEqual(report.managedByRoles);

      const hand = await checkDrift(project.config, { url: byHand.url });
      expect(hand.clean).toBe(false);
      const privileges = (await query<{ p: string }>(byHand.url, `SELECT a.privilege_type AS p FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = 'public.users'::regclass AND a.grantee = $1::regrole AND a.privilege_type <> 'SELECT' ORDER BY 1`, [role])).map((r) => r.p);
      expect(privileges.length).toBeGreaterThanOrEqual(6);
      expect(hand.findings.map((f) => [f.class, f.kind, f.object, f.grantee, (f.actual as { privilege: string }).privilege])).toEqual(
        ['public.credentials', 'public.users'].flatMap((table) => privileges.map((p) => ['security', 'added', table, role, p])),
      );
      expect(hand.findings.map((f) => f.message)).toContain(`grant of DELETE on table public.users to ${role} exists but schema/roles.yaml does not grant it`);
      expect(hand.counts.security).toBe(2 * privileges.length);
    } finally {
      rmSync(rolesFile, { force: true });
      for (const db of [applied, byHand]) {
        await db.close();
        copies.splice(copies.indexOf(db), 1);
      }
      await query(adminUrl(), `DROP ROLE IF EXISTS ${role}`).catch(() => {});
    }
  });

  it("leaves to the snapshot what roles.yaml does not judge (an owner's own privileges, a role's default privileges for itself); what it judges is reported once", async () => {
    const suffix = Date.now().toString(36);
    const owner = `drift_owner_${suffix}`;
    const reader = `drift_reader_${suffix}`;
    const rolesFile = project.config.roles.file;
    (await import('node:fs')).mkdirSync(join(project.root, 'schema'), { recursive: true });
    // As the reference roles.yaml declares its migrator: the role that owns the schema's objects.
    writeFileSync(rolesFile, `version: 1\nroles:\n  ${owner}:\n    comment: Owns the schema.\n  ${reader}: {}\ngrants:\n  - to: ${reader}\n    schema: public\n    profile: read\n    tables: [users]\n`);
    await query(adminUrl(), `CREATE ROLE ${owner}; CREATE ROLE ${reader}`);
    const applied = await copyOfReference(`
      DO $$ DECLARE r record; BEGIN
        FOR r IN SELECT format('ALTER TABLE %s OWNER TO ${owner}', c.oid::regclass) AS sql FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
                 UNION ALL SELECT format('ALTER ROUTINE %s OWNER TO ${owner}', p.oid::regprocedure) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
        LOOP EXECUTE r.sql; END LOOP;
      END $$;
      GRANT USAGE ON SCHEMA public TO ${reader}; GRANT SELECT ON users TO ${reader};
    `);
    try {
      const clean = await checkDrift(project.config, { url: applied.url });
      expect(clean.findings).toEqual([]);
      expect(clean.managedByRoles.map((f) => [f.kind, f.object, f.grantee])).toEqual([['added', 'public', reader], ['added', 'public.users', reader]]);

      await query(applied.url, `
        REVOKE UPDATE ON user_actions FROM ${owner};
        GRANT SELECT (email) ON users TO ${owner};
        ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT ON TABLES TO ${owner};
        GRANT DELETE ON users TO ${reader};
      `);
      const report = await checkDrift(project.config, { url: applied.url });
      expect(report.findings.map((f) => [f.kind, f.objectType, f.object, f.grantee, f.message])).toEqual([
        // Neither roles plan nor roles check compares these: the snapshot does.
        ['removed', 'privilege', 'public.user_actions', owner, `grant of UPDATE on table public.user_actions to ${owner} is missing`],
        ['added', 'privilege', 'public.users.email', owner, `grant of SELECT (email) on table public.users to ${owner} exists but is not expected`],
        ['added', 'default privilege', 'public', owner, `default privilege SELECT on tables created by ${owner} in schema public for ${owner} exists but is not expected`],
        // roles.yaml judges this one, and only roles.yaml: it is not reported a second time from the snapshot.
        ['added', 'privilege', 'public.users', reader, `grant of DELETE on table public.users to ${reader} exists but schema/roles.yaml does not grant it`],
      ]);
      expect(report.counts.security).toBe(4);
      expect(report.managedByRoles.map((f) => [f.kind, f.object, f.grantee, (f.actual as { privilege: string }).privilege])).toEqual([
        ['added', 'public', reader, 'USAGE'],
        ['added', 'public.users', reader, 'DELETE'],
        ['added', 'public.users', reader, 'SELECT'],
      ]);
    } finally {
      rmSync(rolesFile, { force: true });
      await applied.close();
      copies.splice(copies.indexOf(applied), 1);
      await query(adminUrl(), `DROP ROLE IF EXISTS ${owner}; DROP ROLE IF EXISTS ${reader}`).catch(() => {});
    }
  });

  it('reports each hand-made change in its class, naming the object', async () => {
    const copy = await copyOfReference(HAND_CHANGES);
    const report = await checkDrift(project.config, { url: copy.url });
    expect(report.findings.map(brief)).toEqual(HAND_FINDINGS);
    expect(report.counts).toEqual({ structure: 2, security: 1, documentation: 1, ledger: 0 });
    expect(report.findings.map((f) => f.message)).toEqual([
      'column public.jobs.legacy_flag exists but is not expected',
      'index idx_jobs_created_by on table public.jobs is missing',
      'grant of SELECT on table public.users to PUBLIC exists but is not expected',
      "comment of column public.users.email is 'Edited by hand', expected 'Email address, unique; also the default destination of email notifications.'",
    ]);
    expect(report.findings[2]!.grantee).toBe('PUBLIC');
  });

  it("reports the public schema's privileges and changed properties", async () => {
    const copy = await copyOfReference(`
      GRANT CREATE ON SCHEMA public TO PUBLIC;
      ALTER TABLE credentials ALTER COLUMN name SET DEFAULT 'unnamed';
      ALTER TABLE user_actions DISABLE TRIGGER trg_user_actions_insert_only;
    `);
    const report = await checkDrift(project.config, { url: copy.url });
    expect(report.findings.map(brief)).toEqual([
      { class: 'structure', kind: 'changed', objectType: 'column', object: 'public.credentials.name', path: 'default' },
      { class: 'structure', kind: 'changed', objectType: 'trigger', object: 'public.user_actions.trg_user_actions_insert_only', path: 'enabled' },
      { class: 'security', kind: 'added', objectType: 'privilege', object: 'public' },
    ]);
    expect(report.findings[2]!.message).toBe('grant of CREATE on schema public to PUBLIC exists but is not expected');
  });

  it('reports a global ALTER DEFAULT PRIVILEGES grant once, naming its grantee', async () => {
    const role = `drift_defaults_${Date.now().toString(36)}`;
    await query(adminUrl(), `CREATE ROLE ${role}`);
    const copy = await copyOfReference(`ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO ${role}`);
    try {
      const report = await checkDrift(project.config, { url: copy.url });
      expect(report.findings.map((f) => [f.class, f.kind, f.objectType, f.grantee, f.message])).toEqual([
        ['security', 'added', 'default privilege', role, `default privilege SELECT on tables created by postgres for ${role} exists but is not expected`],
      ]);
    } finally {
      await copy.close();
      copies.splice(copies.indexOf(copy), 1);
      await query(adminUrl(), `DROP ROLE IF EXISTS ${role}`).catch(() => {});
    }
  });

  it("reports a global entry that takes the creating role's own default privileges away, also when its ACL is left empty", async () => {
    const role = `drift_own_${Date.now().toString(36)}`;
    await query(adminUrl(), `CREATE ROLE ${role}`);
    // postgres built the reference: it is the migrating role, and what it creates later gives it nothing.
    const copy = await copyOfReference('ALTER DEFAULT PRIVILEGES FOR ROLE postgres REVOKE ALL ON TABLES FROM postgres');
    try {
      expect(await query(copy.url, 'SELECT defaclacl::text AS acl FROM pg_default_acl')).toEqual([{ acl: '{}' }]);
      const revokes = ['DELETE', 'INSERT', 'MAINTAIN', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE'].map((p) => [
        'security',
        'added',
        'default privilege',
        'postgres',
        `revoke of default privilege ${p} on tables created by postgres from postgres itself exists but is not expected`,
      ]);
      const report = await checkDrift(project.config, { url: copy.url });
      expect(report.findings.map((f) => [f.class, f.kind, f.objectType, f.grantee, f.message])).toEqual(revokes);
      // With a grant to another role besides, the revoke is still reported, not only the grant.
      await query(copy.url, `ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO ${role}`);
      const granted = await checkDrift(project.config, { url: copy.url });
      expect(granted.findings.map((f) => [f.class, f.kind, f.objectType, f.grantee, f.message])).toEqual([
        ['security', 'added', 'default privilege', role, `default privilege SELECT on tables created by postgres for ${role} exists but is not expected`],
        ...revokes,
      ]);
    } finally {
      await copy.close();
      copies.splice(copies.indexOf(copy), 1);
      await query(adminUrl(), `DROP ROLE IF EXISTS ${role}`).catch(() => {});
    }
  });

  it("leaves out what the environment's driftIgnore patterns match", async () => {
    const copy = await copyOfReference(HAND_CHANGES);
    const config = withEnvironments({ copy: { urlEnv: 'COPY_URL', driftIgnore: ['public.jobs.legacy_*', 'privilege public.users to PUBLIC'] } });
    const report = await checkDrift(config, { env: 'copy', environ: { COPY_URL: copy.url } });
    expect(report.target.environment).toBe('copy');
    expect(report.findings.map(brief)).toEqual([HAND_FINDINGS[1], HAND_FINDINGS[3]]);
    expect(report.ignored.map((f) => f.object)).toEqual(['public.jobs.legacy_flag', 'public.users']);
    // Another environment's patterns do not apply.
    const other = withEnvironments({ copy: { urlEnv: 'COPY_URL' }, prod: { urlEnv: 'PROD_URL', driftIgnore: ['*'] } });
    expect((await checkDrift(other, { env: 'copy', environ: { COPY_URL: copy.url } })).findings).toHaveLength(4);
  });

  it("reports where the ledger and the repository disagree: pending and unknown revisions", async () => {
    const copy = await copyOfReference(`
      DELETE FROM pgwarden.ledger WHERE revision = '${HEAD}';
      INSERT INTO pgwarden.ledger (revision, name, checksum, kind, state, applied_by, applied_with)
        SELECT '20990101000000', '20990101000000_hotfix', checksum, kind, state, applied_by, applied_with FROM pgwarden.ledger LIMIT 1;
    `);
    const report = await checkDrift(project.config, { url: copy.url });
    expect(report.findings.map((f) => [f.class, f.kind, f.object, f.message])).toEqual([
      ['ledger', 'pending', HEAD, `migration ${HEAD}_index_user_actions_by_user is not applied (pending)`],
      ['ledger', 'unknown', '20990101000000', 'revision 20990101000000 (20990101000000_hotfix) is applied but the repository has no such migration'],
    ]);
  });

  it('compares two environments with --against', async () => {
    const staging = await copyOfReference(HAND_CHANGES);
    const prod = await copyOfReference();
    const config = withEnvironments({ staging: { urlEnv: 'STAGING_URL' }, prod: { urlEnv: 'PROD_URL' } });
    const report = await checkDrift(config, { env: 'staging', against: 'prod', environ: { STAGING_URL: staging.url, PROD_URL: prod.url, DATABASE_URL: '' } });
    expect(report.reference).toMatchObject({ kind: 'environment', environment: 'prod' });
    expect(report.findings.map(brief)).toEqual(HAND_FINDINGS);
  });

  it('compares two environments whose schemas different roles own, in databases that neither owns', async () => {
    const role = `drift_migrator_${Date.now().toString(36)}`;
    // staging's schema owned by its own migrating role; prod's by postgres; both databases by postgres.
    const staging = await copyOfReference(`
      CREATE ROLE ${role};
      DO $$ DECLARE r record; BEGIN
        FOR r IN SELECT format('ALTER %s %s OWNER TO ${role}', CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.oid::regclass) AS sql
                   FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
                 UNION ALL SELECT format('ALTER ROUTINE %s OWNER TO ${role}', p.oid::regprocedure) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
        LOOP EXECUTE r.sql; END LOOP;
      END $$;
    `);
    const prod = await copyOfReference();
    try {
      const owners = await query<{ owner: string }>(staging.url, `SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace`);
      expect(owners).toEqual([{ owner: role }]);
      const config = withEnvironments({ staging: { urlEnv: 'STAGING_URL' }, prod: { urlEnv: 'PROD_URL' } });
      const report = await checkDrift(config, { env: 'staging', against: 'prod', environ: { STAGING_URL: staging.url, PROD_URL: prod.url, DATABASE_URL: '' } });
      expect(report.findings).toEqual([]);
      const reverse = await checkDrift(config, { env: 'prod', against: 'staging', environ: { STAGING_URL: staging.url, PROD_URL: prod.url, DATABASE_URL: '' } });
      expect(reverse.findings).toEqual([]);
    } finally {
      for (const db of [staging, prod]) {
        await db.close();
        copies.splice(copies.indexOf(db), 1);
      }
      await query(adminUrl(), `DROP ROLE IF EXISTS ${role}`).catch(() => {});
    }
  });

  it('is read-only: it changes nothing, and creates no ledger where there is none', async () => {
    // The schema rebuilt from schema.sql: the same schema, and no ledger at all.
    const bare = await createTestDatabase();
    copies.push(bare);
    await query(bare.url, docs.files.find((f) => f.name === 'schema.sql')!.content);
    const stats = `SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::text AS writes, count(*)::text AS tables FROM pg_stat_user_tables`;
    const before = { snapshot: await snapshotOf(bare, snapshotOptionsFor(project.config)), stats: await query(bare.url, stats) };

    const report = await checkDrift(project.config, { url: bare.url });
    expect(report.readOnly).toBe(true);
    expect(report.counts).toEqual({ structure: 0, security: 0, documentation: 0, ledger: 16 });

    expect(await query(bare.url, `SELECT to_regnamespace('pgwarden') AS ledger_schema`)).toEqual([{ ledger_schema: null }]);
    expect(await snapshotOf(bare, snapshotOptionsFor(project.config))).toEqual(before.snapshot);
    expect(await query(bare.url, stats)).toEqual(before.stats);
  });

  it('works on a database whose transactions are read only (a standby, a read replica user)', async () => {
    const copy = await copyOfReference(HAND_CHANGES);
    await query(adminUrl(), `ALTER DATABASE "${databaseName(copy)}" SET default_transaction_read_only = on`);
    const report = await checkDrift(project.config, { url: copy.url });
    expect(report.findings.map(brief)).toEqual(HAND_FINDINGS);
  });
});

describe('pgwarden drift (CLI)', () => {
  let project: TempProject;
  let clean: DatabaseHandle;
  let drifted: DatabaseHandle;
  /** A login role with a password, which output must never show; it may read the drifted database's ledger only. */
  const monitor = { name: `drift_monitor_${Date.now().toString(36)}`, password: `pw-${randomBytes(12).toString('hex')}` };
  const asMonitor = (db: DatabaseHandle) => {
    const url = new URL(db.url);
    url.username = monitor.name;
    url.password = monitor.password;
    return url.toString();
  };
  beforeAll(async () => {
    project = tempProject({ copyReference: true });
    writeFileSync(
      join(project.root, 'pgwarden.config.yaml'),
      ['environments:', '  staging:', '    urlEnv: STAGING_URL', '    driftIgnore: ["documentation:*"]', '  prod:', '    urlEnv: PROD_URL', ''].join('\n'),
    );
    writeDocs(await generateDocs(project.config, { url: adminUrl() }));
    clean = await createTestDatabase();
    await runMigrations(project.config, clean, 'up');
    drifted = await createTestDatabase(databaseName(clean));
    await query(drifted.url, HAND_CHANGES);
    await query(adminUrl(), `CREATE ROLE ${monitor.name} LOGIN PASSWORD '${monitor.password}'`);
    await query(drifted.url, `GRANT USAGE ON SCHEMA pgwarden TO ${monitor.name}; GRANT SELECT ON ALL TABLES IN SCHEMA pgwarden TO ${monitor.name}`);
  });
  afterAll(async () => {
    await drifted?.close();
    await clean?.close();
    await query(adminUrl(), `DROP ROLE IF EXISTS ${monitor.name}`).catch(() => {});
    project?.cleanup();
  });
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['drift', ...args], { cwd: project.root, env: { STAGING_URL: drifted.url, PROD_URL: clean.url, ...env } });

  it('exits 0 when clean', async () => {
    const result = await cli(['--url', clean.url]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No drift: postgresql:\/\/.*:\*\*\*@.* matches schema\/snapshot\.json \(16 tables\), and its ledger agrees with the migrations\.\n$/);
  });

  it('exits 1 on drift, with the findings by class and no password', async () => {
    const result = await cli(['--url', asMonitor(drifted)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`Drift of postgresql://${monitor.name}:***@`);
    expect(result.stdout).not.toContain(monitor.password);
    expect(result.stdout).toContain('against schema/snapshot.json: 4 findings.');
    expect(result.stdout).toContain('\nstructure (2)\n  column public.jobs.legacy_flag exists but is not expected\n  index idx_jobs_created_by on table public.jobs is missing\n');
    expect(result.stdout).toContain('\nsecurity (1)\n  grant of SELECT on table public.users to PUBLIC exists but is not expected\n');
    expect(result.stdout).toContain("\ndocumentation (1)\n  comment of column public.users.email is 'Edited by hand'");
  });

  it('says so when the ledger could not be read, instead of saying it agrees with the migrations', async () => {
    // The monitor may not use schema pgwarden in the clean database.
    const result = await cli(['--url', asMonitor(clean)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No drift: postgresql:\/\/drift_monitor_\w+:\*\*\*@.* matches schema\/snapshot\.json \(16 tables\), but its ledger could not be read, so it was not compared with the migrations \(see the note\)\.\n/);
    expect(result.stdout).not.toContain('its ledger agrees');
    expect(result.stdout).toContain('note: the ledger pgwarden.ledger of postgresql://drift_monitor_');
    expect(result.stdout).toContain('permission denied for schema pgwarden');
    expect(result.stdout).not.toContain(monitor.password);
    const json = JSON.parse((await cli(['--url', asMonitor(clean), '--json'])).stdout);
    expect(json).toMatchObject({ clean: true, ledgerRead: false });
    expect(JSON.parse((await cli(['--url', clean.url, '--json'])).stdout)).toMatchObject({ clean: true, ledgerRead: true });
  });

  it('prints JSON with the findings and their classes', async () => {
    const result = await cli(['--url', drifted.url, '--json']);
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.clean).toBe(false);
    expect(json.readOnly).toBe(true);
    expect(json.counts).toEqual({ structure: 2, security: 1, documentation: 1, ledger: 0 });
    expect(json.findings.map(brief)).toEqual(HAND_FINDINGS);
    expect(json.findings[0].actual).toMatchObject({ name: 'legacy_flag', type: 'boolean' });
  });

  it("applies the environment's ignores, and compares two environments", async () => {
    const staging = await cli(['--env', 'staging']);
    expect(staging.code).toBe(1);
    expect(staging.stdout).toContain('Drift of staging (');
    expect(staging.stdout).not.toContain('documentation (');
    expect(staging.stdout).toContain('1 finding left out by driftIgnore.');
    const against = await cli(['--env', 'staging', '--against', 'prod', '--json']);
    expect(against.code).toBe(1);
    const json = JSON.parse(against.stdout);
    expect(json.reference).toMatchObject({ kind: 'environment', environment: 'prod' });
    expect(json.findings.map(brief)).toEqual(HAND_FINDINGS.slice(0, 3));
    expect((await cli(['--env', 'prod'])).code).toBe(0);
  });

  it('the next steps about the ledger name the database they are about: --env, or --url without the URL; with --against, the environment whose ledger it is', async () => {
    const partly = await createTestDatabase();
    try {
      await runMigrations(project.config, partly, 'up', { count: 15 });
      const pending = '`pgwarden status --env prod` shows the ledger; `pgwarden up --env prod` applies what is pending there.';
      const prod = await cli(['--env', 'prod'], { PROD_URL: partly.url });
      expect(prod.code).toBe(1);
      expect(prod.stdout).toContain(`\n${pending}\n`);
      const admin = await cli(['--url', partly.url]);
      expect(admin.stdout).toContain('`pgwarden status --url <the same URL>` shows the ledger; `pgwarden up --url <the same URL>` applies what is pending there.');
      expect(admin.stdout + admin.stderr).not.toContain(new URL(partly.url).password);
      // staging (a full ledger) against prod (one pending): the hint is about prod, and says so.
      const against = await cli(['--env', 'staging', '--against', 'prod'], { STAGING_URL: clean.url, PROD_URL: partly.url });
      expect(against.stdout).toContain('is not applied in prod (pending)');
      expect(against.stdout).toContain('`pgwarden status --env prod` shows the ledger of prod; `pgwarden up --env prod` applies what is pending there.');
      expect(against.stdout).not.toContain('--env staging');
    } finally {
      await partly.close();
    }
  });

  it('gives up after --lock-timeout while a deploy holds an ACCESS EXCLUSIVE lock, naming it (exit 3)', async () => {
    const holder = new pg.Client({ connectionString: clean.url, application_name: 'pgwarden up' });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const result = await cli(['--url', clean.url, '--lock-timeout', '1s'], {});
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('error[LOCK_HELD]: Reading postgresql://');
      expect(result.stderr).toMatch(/waited 1s for a lock and gave up: another session holds an ACCESS EXCLUSIVE lock on public\.jobs \(pid \d+, pgwarden up, in a transaction open for \d+s\)/);
      expect(result.stderr).toContain('--lock-timeout');
      expect(result.stderr).not.toContain(new URL(clean.url).password);
      expect(result.stdout).toBe('');
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await holder.end();
    }
    const usage = await cli(['--url', clean.url, '--lock-timeout', 'soon']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--lock-timeout "soon" is not a duration');
  });

  it('exits 3 when the database cannot be reached', async () => {
    const result = await cli(['--url', 'postgresql://nobody:secret@127.0.0.1:1/nothing']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('error[CONNECTION_FAILED]');
    expect(result.stderr).not.toContain('secret');
  });

  it('exits 2, naming the file, the problems and the command that regenerates it, for a hand-edited schema/snapshot.json', async () => {
    const file = join(project.root, 'schema', 'snapshot.json');
    const original = readFileSync(file, 'utf8');
    try {
      const withoutViews = JSON.parse(original);
      delete withoutViews.views;
      withoutViews.tables['public.users'].privileges = 'none';
      writeFileSync(file, JSON.stringify(withoutViews, null, 2));
      const edited = await cli(['--url', clean.url]);
      expect(edited.code).toBe(2);
      expect(edited.stderr).toContain('error[USAGE]: schema/snapshot.json is not a pgwarden snapshot (format 1):\n');
      expect(edited.stderr).toContain('  - tables["public.users"].privileges is missing or not a list\n');
      expect(edited.stderr).toContain('  - views is missing or not an object\n');
      expect(edited.stderr).toContain('Run `pgwarden docs` to generate it again');

      writeFileSync(file, '{"format":1,"tables":{}}\n');
      const bare = await cli(['--url', clean.url]);
      expect(bare.code).toBe(2);
      expect(bare.stderr).toContain('  - defaultPrivileges is missing or not a list');

      // The comma after `"format": 1` dropped: the parser stops at the next property, line 3.
      const lines = original.split('\n');
      expect(lines[1]).toBe('  "format": 1,');
      lines[1] = '  "format": 1';
      writeFileSync(file, lines.join('\n'));
      const invalid = await cli(['--url', clean.url]);
      expect(invalid.code).toBe(2);
      expect(invalid.stderr).toMatch(/^error\[USAGE\]: schema\/snapshot\.json:3:3 is not valid JSON \(.*\): run `pgwarden docs`/);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('exits 2 and names the command that makes schema/snapshot.json when it is missing', async () => {
    rmSync(join(project.root, 'schema', 'snapshot.json'));
    try {
      const result = await cli(['--url', clean.url]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('schema/snapshot.json does not exist: run `pgwarden docs`');
    } finally {
      writeDocs(await generateDocs(project.config, { url: adminUrl() }));
    }
  });
});

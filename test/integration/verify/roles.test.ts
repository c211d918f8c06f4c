import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openThrowaway } from '../../../src/providers/resolve.js';
import { formatVerifyText } from '../../../src/verify/format/text.js';
import { verifyHistory } from '../../../src/verify/verify.js';
import { adminUrl, createTestDatabase, query } from '../../support/db.js';
import { projectWith, type Step } from './history.js';

/** A role name no other test (or run) uses: roles belong to the whole test server. */
const roleName = (label: string) => `pgw_verify_${label}_${randomBytes(3).toString('hex')}`;

const roleExists = async (role: string) => (await query(adminUrl(), 'SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).length > 0;

/** 60 migrations (a table every 4, a column, an index, a NOT VALID check), with `special` in place of some. */
function history(special: Record<number, Step>): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < 60; i++) {
    const t = `t${Math.floor(i / 4)}`;
    const kind = i % 4;
    if (special[i]) steps.push(special[i]!);
    else if (kind === 0) steps.push({ name: `m${i}_${t}`, up: `CREATE TABLE ${t} (id int PRIMARY KEY, name text);`, down: `DROP TABLE ${t};` });
    else if (kind === 1) steps.push({ name: `m${i}_${t}_note`, up: `ALTER TABLE ${t} ADD COLUMN note text;`, down: `ALTER TABLE ${t} DROP COLUMN note;` });
    else if (kind === 2) steps.push({ name: `m${i}_${t}_idx`, up: `CREATE INDEX ${t}_name ON ${t} (name);`, down: `DROP INDEX ${t}_name;` });
    else steps.push({ name: `m${i}_${t}_check`, up: `ALTER TABLE ${t} ADD CONSTRAINT ${t}_len CHECK (length(name) < 10) NOT VALID;`, down: `ALTER TABLE ${t} DROP CONSTRAINT ${t}_len;` });
  }
  return steps;
}

// Roles belong to the cluster, not to the database verify works in: a later range's database,
// or a database rebuilt after a failure, replays the history on the same server.
describe('verify of a history that creates roles', () => {
  const projects: Array<ReturnType<typeof projectWith>> = [];
  afterAll(() => {
    for (const p of projects) p.cleanup();
  });
  const verify = async (project: ReturnType<typeof projectWith>, options: Parameters<typeof verifyHistory>[2]) => {
    const db = await createTestDatabase();
    try {
      return await verifyHistory(project.config, db, options);
    } finally {
      await db.close();
    }
  };

  it('verifies it with two jobs as with one, and leaves no role behind', async () => {
    const role = roleName('r2');
    const project = projectWith(history({ 2: { name: 'm2_role', up: `CREATE ROLE ${role};\nGRANT SELECT ON t0 TO ${role};`, down: `REVOKE SELECT ON t0 FROM ${role};\nDROP ROLE ${role};` } }));
    projects.push(project);
    const report = await verify(project, { jobs: 2 });
    // CREATE INDEX on the tables earlier migrations made is a lock finding; nothing else is wrong with this history.
    expect(report.findings.filter((f) => !['blocking-lock', 'brief-exclusive-lock'].includes(f.ruleId))).toEqual([]);
    expect(report.migrations.filter((m) => m.outcome === 'not verified')).toEqual([]);
    expect(report.migrations).toHaveLength(60);
    expect(await roleExists(role)).toBe(false);
  });

  it('rebuilds the database after a failure although an earlier migration created a role, and drops it at the end', async () => {
    const role = roleName('r6');
    // The role's up leaves it owning a table and holding a privilege: verify must drop those with it.
    const project = projectWith([
      { name: 'base', up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' },
      { name: 'role', up: `CREATE ROLE ${role};\nGRANT SELECT ON t TO ${role};\nCREATE TABLE owned (id int);\nALTER TABLE owned OWNER TO ${role};`, down: `DROP TABLE owned;\nREVOKE SELECT ON t FROM ${role};\nDROP ROLE ${role};` },
      // Down forgets the type, so up cannot be applied again: verify rebuilds the database from the start.
      { name: 'status', up: "CREATE TYPE status AS ENUM ('a');", down: 'SELECT 1;' },
      { name: 'later', up: 'CREATE TABLE later (id int);', down: 'DROP TABLE later;' },
    ]);
    projects.push(project);
    const report = await verify(project, { jobs: 1 });
    expect(report.findings.filter((f) => f.level === 'error').map((f) => [f.revision, f.ruleId])).toEqual([
      [project.revisions.status, 'down-restores-schema'],
      [project.revisions.status, 'up-reapplies'],
    ]);
    expect(report.migrations.map((m) => m.outcome)).toEqual(['verified', 'verified', 'failed', 'verified']);
    expect(await roleExists(role)).toBe(false);
  });

  it('never drops a role the server had before verify began', async () => {
    const role = roleName('keep');
    await query(adminUrl(), `CREATE ROLE ${role}`);
    try {
      const project = projectWith([{ name: 'role', up: `CREATE ROLE ${role};`, down: `DROP ROLE ${role};` }]);
      projects.push(project);
      const report = await verify(project, { jobs: 1 });
      expect(report.findings.map((f) => f.ruleId)).toEqual(['up-fails']);
      expect(await roleExists(role)).toBe(true);
    } finally {
      await query(adminUrl(), `DROP ROLE IF EXISTS ${role}`);
    }
  });
  it('drops the roles a DO block or a function created, so that two jobs and a rebuild do not collide', async () => {
    const inDo = roleName('do');
    const inFunction = roleName('fn');
    const project = projectWith(
      history({
        2: { name: 'm2_role_do', up: `DO $$ BEGIN CREATE ROLE ${inDo}; END $$;\nGRANT SELECT ON t0 TO ${inDo};`, down: `REVOKE SELECT ON t0 FROM ${inDo};\nDROP ROLE ${inDo};` },
        5: {
          name: 'm5_role_fn',
          up: `CREATE FUNCTION make_role(name text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE format('CREATE ROLE %I', name); END $$;\nSELECT make_role('${inFunction}');`,
          down: `DROP ROLE ${inFunction};\nDROP FUNCTION make_role(text);`,
        },
        // Down forgets the type, so up cannot be applied again: verify rebuilds the database from the start, where the DO block runs again.
        30: { name: 'm30_status', up: "CREATE TYPE status AS ENUM ('a');", down: 'SELECT 1;' },
      }),
    );
    projects.push(project);
    const report = await verify(project, { jobs: 2, snapshots: 'checked' });
    expect(report.findings.filter((f) => !['blocking-lock', 'brief-exclusive-lock'].includes(f.ruleId)).map((f) => [f.revision, f.ruleId])).toEqual([
      [project.revisions.m30_status, 'down-restores-schema'],
      [project.revisions.m30_status, 'up-reapplies'],
    ]);
    expect(report.migrations.filter((m) => m.outcome === 'not verified')).toEqual([]);
    expect(await roleExists(inDo)).toBe(false);
    expect(await roleExists(inFunction)).toBe(false);
  });

  it('never drops a role the history does not name that another session creates meanwhile, nor one the server had', async () => {
    const had = roleName('had');
    const mine = roleName('mine');
    const theirs = roleName('theirs');
    await query(adminUrl(), `CREATE ROLE ${had}`);
    try {
      const project = projectWith([
        { name: 'role', up: `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${had}') THEN CREATE ROLE ${had}; END IF; CREATE ROLE ${mine}; END $$;`, down: `DROP ROLE ${mine};` },
        { name: 'slow', up: 'CREATE TABLE t (id int);\nSELECT pg_sleep(1.5);', down: 'DROP TABLE t;' },
      ]);
      projects.push(project);
      const db = await createTestDatabase();
      try {
        const running = verifyHistory(project.config, db, { jobs: 1 });
        // While verify sleeps in its database, another session creates a role on the server.
        const database = new URL(db.url).pathname.slice(1);
        let sleeping = false;
        for (let i = 0; i < 200 && !sleeping; i++) {
          sleeping = (await query(adminUrl(), `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event = 'PgSleep'`, [database])).length > 0;
          if (!sleeping) await new Promise((r) => setTimeout(r, 50));
        }
        expect(sleeping).toBe(true);
        await query(adminUrl(), `CREATE ROLE ${theirs}`);
        const report = await running;
        expect(report.findings).toEqual([]);
        // Left, and named as such: verify cannot tell who created it.
        expect(report.rolesLeft).toEqual([theirs]);
      } finally {
        await db.close();
      }
      expect(await roleExists(mine)).toBe(false);
      expect(await roleExists(had)).toBe(true);
      expect(await roleExists(theirs)).toBe(true);
    } finally {
      await query(adminUrl(), `DROP ROLE IF EXISTS ${had}`);
      await query(adminUrl(), `DROP ROLE IF EXISTS ${theirs}`);
    }
  });

  /** A history whose role's name is computed (appears nowhere in its text), then a migration whose down forgets its type (verify rebuilds the database from the start). */
  const computedRoleHistory = (prefix: string, suffix: string): Step[] => [
    { name: 'base', up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' },
    {
      name: 'role',
      up: `DO $$ BEGIN EXECUTE format('CREATE ROLE %I', '${prefix}' || '${suffix}'); EXECUTE format('GRANT SELECT ON t TO %I', '${prefix}' || '${suffix}'); END $$;`,
      down: `DO $$ BEGIN EXECUTE format('REVOKE SELECT ON t FROM %I', '${prefix}' || '${suffix}'); EXECUTE format('DROP ROLE %I', '${prefix}' || '${suffix}'); END $$;`,
    },
    { name: 'status', up: "CREATE TYPE status AS ENUM ('a');", down: 'SELECT 1;' },
    { name: 'later', up: 'CREATE TABLE later (id int);', down: 'DROP TABLE later;' },
  ];

  it('on a server it started itself, drops every new role, one whose name the history computes too, so that a rebuild can create it again', async () => {
    const project = projectWith(computedRoleHistory('pgw_verify_', 'computed'));
    projects.push(project);
    // The embedded throwaway server of `pgwarden verify` without --url: nobody else creates roles there.
    const db = await openThrowaway(project.config, { environ: {} });
    try {
      expect(db.privateServer).toBe(true);
      const report = await verifyHistory(project.config, db, { jobs: 1 });
      expect(report.findings.map((f) => [f.revision, f.ruleId])).toEqual([
        [project.revisions.status, 'down-restores-schema'],
        [project.revisions.status, 'up-reapplies'],
      ]);
      expect(report.migrations.map((m) => m.outcome)).toEqual(['verified', 'verified', 'failed', 'verified']);
      expect(report.rolesLeft).toBeUndefined();
      expect(await query(db.url, `SELECT rolname FROM pg_roles WHERE rolname LIKE 'pgw\\_verify\\_%'`)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('on a server of yours (--url), leaves a role whose name the history computes, and names it in the report with why', async () => {
    const suffix = randomBytes(3).toString('hex');
    const role = `pgw_verify_computed_${suffix}`;
    const project = projectWith(computedRoleHistory('pgw_verify_computed_', suffix).filter((step) => step.name !== 'status'));
    projects.push(project);
    try {
      const report = await verify(project, { jobs: 1 });
      expect(report.findings).toEqual([]);
      expect(report.rolesLeft).toEqual([role]);
      expect(await roleExists(role)).toBe(true);
      const text = formatVerifyText(report);
      expect(text).toContain(`Roles left on the server: ${role}. They are new since verify began, but the history's SQL does not name them, and on a server verify did not start it drops only the roles the history names (another session may have created these).\n`);
      expect(text).toContain(`drop them before the next run (DROP ROLE ${role};), or write the names out in the history.`);
    } finally {
      await query(adminUrl(), `DROP OWNED BY ${role}; DROP ROLE IF EXISTS ${role}`).catch(() => {});
    }
  });
});

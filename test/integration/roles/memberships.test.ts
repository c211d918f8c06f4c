import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { startThrowawayCluster } from '../../../src/providers/embedded.js';
import { applyRoles, planRolesOn } from '../../../src/roles/apply.js';
import { parseRolesFile } from '../../../src/roles/load.js';
import { createDatabase, pg15UnavailableReason, sql, startPg15Cluster, type TestCluster } from './support.js';

const file = (member: string, extra = '') =>
  parseRolesFile(
    `roles:
  team: {}
  lead:
    ${extra}
    memberOf:
      - ${member}
`,
    'roles.yaml',
  );

interface Row {
  admin_option: boolean;
  inherit_option?: boolean;
  set_option?: boolean;
}

function membershipTests(start: () => Promise<TestCluster>, pg16: boolean) {
  let cluster: TestCluster;
  let db: DatabaseHandle;
  beforeAll(async () => {
    cluster = await start();
    db = await createDatabase(cluster, 'members');
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  const row = async () =>
    (await sql<Row>(db.url, `SELECT ${pg16 ? 'admin_option, inherit_option, set_option' : 'admin_option'} FROM pg_auth_members WHERE roleid = 'team'::regrole AND member = 'lead'::regrole`))[0];
  const converge = async (roles: ReturnType<typeof file>) => {
    const plan = await planRolesOn(db, roles);
    await applyRoles(db, roles, { expected: plan });
    expect((await planRolesOn(db, roles)).changes).toEqual([]);
    return plan.changes.map((c) => c.sql);
  };

  it('grants with the admin option, then takes only the option away', async () => {
    const first = await converge(file('{role: team, admin: true}'));
    expect(first).toContain(pg16 ? 'GRANT "team" TO "lead" WITH ADMIN TRUE, INHERIT TRUE, SET TRUE' : 'GRANT "team" TO "lead" WITH ADMIN OPTION');
    expect((await row())!.admin_option).toBe(true);
    const second = await converge(file('team'));
    expect(second).toEqual([pg16 ? 'GRANT "team" TO "lead" WITH ADMIN FALSE, INHERIT TRUE, SET TRUE' : 'REVOKE ADMIN OPTION FOR "team" FROM "lead"']);
    expect((await row())!.admin_option).toBe(false);
  });

  it('inherit per membership: an option on 16+, the role attribute before', async () => {
    if (pg16) {
      await converge(file('{role: team, inherit: false, set: false}'));
      expect(await row()).toEqual({ admin_option: false, inherit_option: false, set_option: false });
    } else {
      let error: unknown;
      await planRolesOn(db, file('{role: team, inherit: false}')).catch((e: unknown) => (error = e));
      expect(error).toMatchObject({ code: 'ROLES_INVALID' });
      const problems = (error as { problems: Array<{ line: number; message: string }> }).problems;
      expect(problems).toEqual([expect.objectContaining({ line: 6, message: expect.stringMatching(/no per-membership INHERIT: set the role's own "inherit: false"/) })]);
      await expect(planRolesOn(db, file('{role: team, set: false}'))).rejects.toMatchObject({ problems: [expect.objectContaining({ message: expect.stringMatching(/no SET option/) })] });
      // Said the Postgres 15 way (a role attribute), it applies.
      const applied = await converge(file('{role: team, inherit: false}', 'inherit: false'));
      expect(applied).toContain('ALTER ROLE "lead" WITH NOINHERIT');
      expect((await sql<{ rolinherit: boolean }>(db.url, `SELECT rolinherit FROM pg_roles WHERE rolname = 'lead'`))[0]!.rolinherit).toBe(false);
    }
  });

  it('revokes a membership the file no longer lists', async () => {
    const roles = parseRolesFile('roles:\n  team: {}\n  lead: {}\n', 'roles.yaml');
    // (On 15 the previous test left lead NOINHERIT, which this file puts back too.)
    const revoked = (await converge(roles)).filter((s) => s.startsWith('REVOKE'));
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatch(pg16 ? /^REVOKE "team" FROM "lead" GRANTED BY "postgres"$/ : /^REVOKE "team" FROM "lead"$/);
    expect(await row()).toBeUndefined();
  });
}

describe('memberships on the embedded Postgres 18', () => {
  membershipTests(() => startThrowawayCluster(), true);
});

const unavailable = pg15UnavailableReason();
describe.skipIf(unavailable !== undefined)(`memberships on Debian's PostgreSQL 15${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  membershipTests(() => startPg15Cluster(), false);
});

/**
 * `roles plan` of 100 roles against a schema of 1,000 tables (each with its identity sequence),
 * then `roles apply`, then the plan again, which must be empty. Target: a plan under 1 s. The peer
 * in the same run is the bare catalog read the plan starts from (privileges, owners, default
 * privileges), so the ratio shows what planning adds on top of reading.
 *
 *   npx tsx bench/roles.ts [--tables 1000] [--roles 100] [--rounds 3]
 */
import pg from 'pg';
import { readDefaultPrivileges, readOwners, readPrivileges } from '../src/catalog/privileges.js';
import { startThrowawayCluster } from '../src/providers/embedded.js';
import { applyRoles, planRolesOn } from '../src/roles/apply.js';
import { parseRolesFile } from '../src/roles/load.js';
import type { RolesPlan } from '../src/roles/plan.js';
import { median, ratio, timed } from './support.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const TABLES = arg('tables', 1000);
const ROLES = arg('roles', 100);
const ROUNDS = arg('rounds', 3);

/**
 * A roles file of `count` roles: a migrator, a fifth of the rest group roles granted read or write
 * on every table and sequence (and on future ones), the others login roles in those groups, with
 * settings, comments and passwords.
 */
function rolesYaml(count: number): string {
  const groups = Math.max(1, Math.floor((count - 1) / 5));
  const logins = count - 1 - groups;
  const lines = ['version: 1', 'managed:', '  prefixes: [bench_]', 'roles:', '  migrator:', '    comment: owns the bench schema'];
  for (let g = 0; g < groups; g++) lines.push(`  bench_group_${g}:`, `    comment: group ${g}`);
  for (let l = 0; l < logins; l++) {
    lines.push(
      `  bench_login_${l}:`,
      '    login: true',
      '    connectionLimit: 10',
      `    settings: { statement_timeout: ${10 + (l % 50)}s, search_path: '"$user", public' }`,
      '    password: { env: BENCH_PASSWORD }',
      '    passwordVersion: 1',
      `    memberOf: [bench_group_${l % groups}]`,
    );
  }
  lines.push('grants:', '  - to: migrator', '    schema: public', '    privileges: [USAGE, CREATE]');
  for (let g = 0; g < groups; g++) {
    lines.push(`  - to: bench_group_${g}`, '    schema: public', `    profile: ${g % 2 ? 'write' : 'read'}`, "    tables: '*'", "    sequences: '*'");
  }
  lines.push('defaultPrivileges:');
  for (let g = 0; g < groups; g++) {
    lines.push('  - for: migrator', '    schema: public', `    to: bench_group_${g}`, `    profile: ${g % 2 ? 'write' : 'read'}`, '    on: [tables, sequences]');
  }
  lines.push('public:', '  schemas: [public]', '  noCreateOnSchema: true', '  noTablePrivileges: true');
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const server = await startThrowawayCluster();
  try {
    const url = server.url('postgres');
    const db = { url, display: 'bench', provider: 'url' as const, environment: undefined, close: async () => {} };
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    // The tables exist before the roles: the first plan expands `*` over all of them.
    const ddl = ['CREATE ROLE migrator', 'GRANT CREATE ON SCHEMA public TO migrator', 'SET ROLE migrator'];
    for (let i = 0; i < TABLES; i++) ddl.push(`CREATE TABLE t${i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    ddl.push('RESET ROLE', 'REVOKE CREATE ON SCHEMA public FROM migrator', 'COMMENT ON ROLE migrator IS NULL');
    await client.query(ddl.join(';\n'));
    const roles = parseRolesFile(rolesYaml(ROLES), 'bench-roles.yaml');
    const environ = { BENCH_PASSWORD: 'bench-password-1234' };

    const catalogRead = async () => {
      await readPrivileges(client);
      await readOwners(client);
      await readDefaultPrivileges(client);
    };
    let first: RolesPlan | undefined;
    const planTimes: number[] = [];
    const readTimes: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      readTimes.push(await timed(catalogRead));
      planTimes.push(await timed(async () => (first = await planRolesOn(db, roles))));
    }
    const plan = first!;
    console.log(`roles plan: ${ROLES} roles, ${TABLES} tables (+${TABLES} sequences), Postgres ${Math.floor(plan.serverVersionNum / 10000)}`);
    console.log(`  first plan:   ${median(planTimes).toFixed(0)} ms (median of ${ROUNDS}) for ${plan.changes.length} statements; target < 1000 ms: ${median(planTimes) < 1000 ? 'met' : 'MISSED'}`);
    console.log(`  catalog read: ${median(readTimes).toFixed(0)} ms; plan / read = ${ratio(median(planTimes), median(readTimes))}`);

    const applyTime = await timed(() => applyRoles(db, roles, { expected: plan, environ }));
    console.log(`  apply:        ${applyTime.toFixed(0)} ms`);

    let after: RolesPlan | undefined;
    const afterTimes: number[] = [];
    const afterReads: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      afterReads.push(await timed(catalogRead));
      afterTimes.push(await timed(async () => (after = await planRolesOn(db, roles))));
    }
    const grants = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class c, aclexplode(c.relacl) WHERE c.relnamespace = 'public'::regnamespace`)).rows[0]!.n;
    console.log(`  plan after apply: ${median(afterTimes).toFixed(0)} ms over ${grants} privileges on tables and sequences; ${after!.changes.length} statements (must be 0); plan / read = ${ratio(median(afterTimes), median(afterReads))}`);
    await client.end();
    if (after!.changes.length !== 0) {
      console.error('FAILED: the plan after apply is not empty');
      process.exitCode = 1;
    }
  } finally {
    await server.stop();
  }
}

await main();

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startThrowawayCluster, type EmbeddedServer } from '../../../src/providers/embedded.js';
import { runCli, type CliResult } from '../../support/cli.js';
import { PASSWORDS } from './lifecycle.js';
import { sql } from './support.js';

// Runs the built CLI (npm run build first) against a cluster of its own: roles are cluster-wide.
describe('pgwarden roles (CLI)', () => {
  let server: EmbeddedServer;
  let url: string;
  let dir: string;
  const outputs: CliResult[] = [];
  const cli = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = await runCli(['roles', ...args], { env: { ...PASSWORDS, ...env } });
    outputs.push(result);
    return result;
  };
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const roleExists = async (name: string) => (await sql<{ n: number }>(url, 'SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [name]))[0]!.n === 1;

  beforeAll(async () => {
    server = await startThrowawayCluster();
    await sql(server.url('postgres'), 'CREATE DATABASE fleet');
    url = server.url('fleet');
    dir = mkdtempSync(join(tmpdir(), 'pgwarden-roles-cli-'));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('check exits 1 before apply and 0 after; plan --json shows redacted passwords', async () => {
    const check = await cli(['check', '--env', 'dev', '--url', url]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^-- Create roles \(\d+\)$/m);
    expect(check.stdout).toContain('CREATE ROLE "fleet_app_dev" WITH LOGIN CONNECTION LIMIT 20 PASSWORD <redacted>;');
    expect(check.stdout).toMatch(/-- Default privileges \(4\)/);
    const json = await cli(['plan', '--env', 'dev', '--url', url, '--json']);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as { clean: boolean; changes: Array<{ group: string; sql: string; password?: { source: { env: string } } }> };
    expect(plan.clean).toBe(false);
    expect(plan.changes.find((c) => c.password)?.password?.source).toEqual({ env: 'FLEET_APP_PASSWORD' });
    expect(new Set(plan.changes.map((c) => c.group))).toEqual(new Set(['create-roles', 'memberships', 'grants', 'default-privileges']));
    expect(await roleExists('migrator')).toBe(false);

    const apply = await cli(['apply', '--env', 'dev', '--url', url]);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/Applied \d+ statements\./);
    const after = await cli(['check', '--env', 'dev', '--url', url]);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('nothing to do');
    const again = await cli(['apply', '--env', 'dev', '--url', url]);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('Applied');
  });

  it('refuses a misspelt --env with --url, and dropping environment roles without --env (exit 2)', async () => {
    const path = write(
      'envs.yaml',
      'managed:\n  prefixes: [wx_]\n  dropUndeclared: true\nroles:\n  wx_group: {}\nenvironments:\n  dev:\n    roles:\n      wx_login_dev: {login: true}\n  prod:\n    roles:\n      wx_login: {login: true}\n',
    );
    expect((await cli(['apply', '--env', 'dev', '--url', url, '--file', path])).code).toBe(0);
    const typo = await cli(['plan', '--env', 'prdo', '--url', url, '--file', path]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/Unknown environment "prdo": neither .*pgwarden\.config\.yaml nor .*envs\.yaml declares it\. Known: dev, staging, prod\./);
    expect(typo.stdout).not.toContain('DROP ROLE');
    const typoApply = await cli(['apply', '--env', 'prdo', '--url', url, '--file', path, '--yes']);
    expect(typoApply.code).toBe(2);
    const noEnv = await cli(['apply', '--url', url, '--file', path]);
    expect(noEnv.code).toBe(2);
    expect(noEnv.stderr).toMatch(/envs\.yaml:3:\d+: no environment chosen \(--env\): dropUndeclared would drop "wx_login_dev", which the file declares under environments \(dev, prod\)\. Pass --env dev\|prod/);
    expect(await roleExists('wx_login_dev')).toBe(true);
    // Named, prod's plan drops dev's login role: that is what dropUndeclared is for.
    const prod = await cli(['plan', '--env', 'prod', '--url', url, '--file', path]);
    expect(prod.code).toBe(0);
    expect(prod.stdout).toContain('DROP ROLE "wx_login_dev";');
  });

  it('stops before anything runs when a password cannot be read', async () => {
    const path = write('late.yaml', 'roles:\n  fleet_late:\n    login: true\n    password: {env: FLEET_LATE_PASSWORD}\n    passwordVersion: 1\n  fleet_other: {}\n');
    const result = await cli(['apply', '--file', path, '--url', url], { FLEET_LATE_PASSWORD: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('$FLEET_LATE_PASSWORD, which is not set');
    expect(await roleExists('fleet_other')).toBe(false);
  });

  it('names the line of each password it cannot read, in apply (before asking or applying) and in plan, as deploy does; an environment role at its line under environments', async () => {
    const path = write('lines.yaml', ['roles:', '  fleet_other: {}', 'environments:', '  staging:', '    roles:', '      fleet_stage:', '        login: true', '        password: {env: FLEET_STAGE_PASSWORD}', '        passwordVersion: 1', ''].join('\n'));
    const apply = await cli(['apply', '--file', path, '--url', url, '--env', 'staging', '--yes'], { FLEET_STAGE_PASSWORD: '' });
    expect(apply.code).toBe(2);
    expect(apply.stderr).toContain('error[ROLES_INVALID]: 1 password could not be read. Nothing was applied.');
    expect(apply.stderr).toMatch(/lines\.yaml:8: The password of role "fleet_stage" comes from \$FLEET_STAGE_PASSWORD, which is not set: export it and apply again\./);
    expect(await roleExists('fleet_other')).toBe(false);
    const plan = await cli(['plan', '--file', path, '--url', url, '--env', 'staging'], { FLEET_STAGE_PASSWORD: '' });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/warning: .*lines\.yaml:8: The password of role "fleet_stage" comes from \$FLEET_STAGE_PASSWORD, which is not set: export it before roles apply\./);
    const json = JSON.parse((await cli(['plan', '--file', path, '--url', url, '--env', 'staging', '--json'], { FLEET_STAGE_PASSWORD: '' })).stdout);
    expect(json.unreadablePasswords).toEqual([expect.objectContaining({ line: 8 })]);
  });

  it('never shows a password, not even when a statement fails after one was set', async () => {
    const secret = 'Very-Secret-9d1e77';
    const path = write('fails.yaml', 'roles:\n  fleet_fails:\n    login: true\n    password: {env: FLEET_FAILS_PASSWORD}\n    passwordVersion: 1\n    settings: {statement_timeout: banana}\n');
    const result = await cli(['apply', '--file', path, '--url', url], { FLEET_FAILS_PASSWORD: secret });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/ALTER ROLE "fleet_fails" SET "statement_timeout" = 'banana' failed: invalid value for parameter "statement_timeout"/);
    expect(result.stderr).toContain('rolled back');
    expect(await roleExists('fleet_fails')).toBe(false);
    expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
  });

  it('reports every problem of a bad roles file at once, with lines, and applies nothing (exit 2)', async () => {
    const path = write(
      'bad.yaml',
      [
        'roles:', //                       1
        '  fleet_typo:', //                 2
        '    logn: true', //                3  unknown key (a typo)
        '    connectionLimit: lots', //     4  wrong type
        'rolez: {}', //                     5  unknown top-level key
        'grants:', //                       6
        '  - to: fleet_typo', //            7
        '    schema: public', //            8
        '    tables: "*"', //               9
        '    privileges: [SELCT]', //      10
        '',
      ].join('\n'),
    );
    const result = await cli(['plan', '--file', path, '--url', url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error[ROLES_INVALID]');
    expect(result.stderr).toMatch(/bad\.yaml:3:5: unknown key "logn" at roles\.fleet_typo\.logn/);
    expect(result.stderr).toMatch(/bad\.yaml:4:\d+: roles\.fleet_typo\.connectionLimit must be integer/);
    expect(result.stderr).toMatch(/bad\.yaml:5:1: unknown key "rolez"/);
    const semantic = write('semantic.yaml', ['roles:', '  fleet_a: {}', 'grants:', '  - to: fleet_b', '    schema: public', '    tables: "*"', '    privileges: [SELCT]', ''].join('\n'));
    const second = await cli(['apply', '--file', semantic, '--url', url]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/semantic\.yaml:4:\d+: grant to undeclared role "fleet_b"/);
    expect(second.stderr).toMatch(/semantic\.yaml:7:\d+: SELCT is not a privilege on tables/);
    expect(await roleExists('fleet_typo')).toBe(false);
    expect(await roleExists('fleet_a')).toBe(false);
  });

  it('quotes a role name with a quote and a semicolon instead of running it', async () => {
    await sql(url, 'CREATE TABLE victim (id int)');
    const evil = `evil"; DROP TABLE victim; --`;
    const path = write('evil.yaml', `roles:\n  'evil"; DROP TABLE victim; --':\n    comment: "it's'); DROP TABLE victim; --"\ngrants:\n  - to: 'evil"; DROP TABLE victim; --'\n    schema: public\n    tables: [victim]\n    privileges: [SELECT]\n`);
    const plan = await cli(['plan', '--file', path, '--url', url]);
    expect(plan.stdout).toContain('CREATE ROLE "evil""; DROP TABLE victim; --"');
    const result = await cli(['apply', '--file', path, '--url', url]);
    expect(result.code).toBe(0);
    expect(await roleExists(evil)).toBe(true);
    expect((await sql<{ ok: boolean }>(url, `SELECT has_table_privilege($1, 'public.victim', 'SELECT') AS ok`, [evil]))[0]!.ok).toBe(true);
    expect((await sql<{ c: string }>(url, `SELECT shobj_description(oid, 'pg_authid') AS c FROM pg_roles WHERE rolname = $1`, [evil]))[0]!.c).toBe(`it's'); DROP TABLE victim; --`);
    expect((await cli(['check', '--file', path, '--url', url])).code).toBe(0);
    await sql(url, `DROP TABLE victim; DROP OWNED BY ${'"evil""; DROP TABLE victim; --"'}; DROP ROLE ${'"evil""; DROP TABLE victim; --"'}`);
  });

  it('refuses superuser without --allow-superuser', async () => {
    const path = write('super.yaml', 'roles:\n  fleet_root:\n    superuser: true\n');
    const refused = await cli(['apply', '--file', path, '--url', url]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/super\.yaml:3:\d+: role "fleet_root" asks for superuser: pass --allow-superuser/);
    expect(await roleExists('fleet_root')).toBe(false);
    const allowed = await cli(['apply', '--file', path, '--url', url, '--allow-superuser']);
    expect(allowed.code).toBe(0);
    expect((await sql<{ s: boolean }>(url, `SELECT rolsuper AS s FROM pg_roles WHERE rolname = 'fleet_root'`))[0]!.s).toBe(true);
    await sql(url, 'DROP ROLE fleet_root');
  });

  it('generate writes a file that plans to nothing', async () => {
    const path = join(dir, 'generated.yaml');
    const generated = await cli(['generate', '--env', 'dev', '--url', url, '--output', path]);
    expect(generated.code).toBe(0);
    const check = await cli(['check', '--env', 'dev', '--url', url, '--file', path]);
    expect(check.stdout).toContain('nothing to do');
    expect(check.code).toBe(0);
    const refused = await cli(['generate', '--env', 'dev', '--url', url, '--output', path]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--force');
  });

  it('generate warns, naming it, about a membership granted by two grantors with different options, which the file cannot say', async () => {
    await sql(url, `CREATE ROLE x_group; CREATE ROLE x_lead; CREATE ROLE x_member;
      GRANT x_group TO x_lead WITH ADMIN OPTION; GRANT x_group TO x_member WITH ADMIN OPTION;
      SET ROLE x_lead; GRANT x_group TO x_member; RESET ROLE;`);
    try {
      const path = join(dir, 'two-grantors.yaml');
      const generated = await cli(['generate', '--env', 'dev', '--url', url, '--output', path]);
      expect(generated.code).toBe(0);
      const revoke = 'REVOKE "x_group" FROM "x_member" GRANTED BY "x_lead"';
      expect(generated.stderr).toContain(`warning: x_member's membership in x_group is granted by postgres (admin true, inherit true, set true) and by x_lead (admin false, inherit true, set true): `);
      expect(generated.stderr).toContain(`roles apply will revoke the other (${revoke}). If x_member should have other options in x_group, change its memberOf entry before applying.\n`);
      const check = await cli(['check', '--env', 'dev', '--url', url, '--file', path]);
      expect(check.code).toBe(1);
      expect(check.stdout).toContain(`${revoke};`);
    } finally {
      await sql(url, 'DROP ROLE x_member; DROP ROLE x_lead; DROP ROLE x_group');
    }
  });

  it('generate refuses an --env that neither the config nor the roles file declares (exit 2), naming the known ones, and writes nothing', async () => {
    const path = join(dir, 'misspelt.yaml');
    const refused = await cli(['generate', '--env', 'prdo', '--url', url, '--output', path]);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/Unknown environment "prdo": neither .*pgwarden\.config\.yaml nor schema\/roles\.yaml declares it\. Known: dev, staging, prod\. Nothing was generated\./);
    expect(existsSync(path)).toBe(false);
    // An environment only the roles file declares is known too.
    const rolesOnly = write('roles-only-env.yaml', 'roles:\n  x_reader: {}\nenvironments:\n  qa: {}\n');
    const qa = await cli(['generate', '--env', 'qa', '--url', url, '--file', rolesOnly, '--output', path]);
    expect(qa.code, qa.stderr).toBe(0);
    expect(existsSync(path)).toBe(true);
  });

  it('asks before changing a protected environment; --yes applies', async () => {
    // prod is protected in pgwarden.config.yaml; without a terminal the answer can only be --yes.
    const refused = await cli(['apply', '--env', 'prod', '--url', url]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('CREATE ROLE "fleet_app" WITH LOGIN CONNECTION LIMIT 200 PASSWORD <redacted>');
    expect(refused.stderr).toMatch(/Environment "prod" is protected: .*--yes/);
    expect(await roleExists('fleet_app')).toBe(false);
    const applied = await cli(['apply', '--env', 'prod', '--url', url, '--yes']);
    expect(applied.code).toBe(0);
    expect(await roleExists('fleet_app')).toBe(true);
    // The dev roles are managed (prefix fleet_) but not declared for prod: reported, kept.
    const check = await cli(['check', '--env', 'prod', '--url', url]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('Managed roles not declared in the roles file: fleet_app_dev, fleet_report_dev.');
    expect(await roleExists('fleet_app_dev')).toBe(true);
  });

  it('showed no password and no SCRAM verifier in any output above', () => {
    expect(outputs.length).toBeGreaterThanOrEqual(20);
    for (const output of outputs) {
      for (const text of [output.stdout, output.stderr]) {
        expect(text).not.toContain('Very-Secret-9d1e77');
        expect(text).not.toContain(PASSWORDS.FLEET_APP_PASSWORD);
        expect(text).not.toContain(PASSWORDS.FLEET_REPORT_PASSWORD);
        expect(text).not.toContain('SCRAM-SHA-256$');
      }
    }
  });
});

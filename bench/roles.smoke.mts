import { startThrowawayCluster } from '/work/main/src/providers/embedded.ts';
import pg from 'pg';
import { loadRolesFile } from '/work/main/src/roles/load.ts';
import { planRolesOn, applyRoles } from '/work/main/src/roles/apply.ts';
const s = await startThrowawayCluster();
const url = s.url('postgres');
const db = { url, display: 'x', provider: 'url' as const, environment: undefined, close: async () => {} };
try {
  const rf = loadRolesFile('/work/main/schema/roles.yaml');
  let plan = await planRolesOn(db, rf, { environment: 'dev' });
  console.log(plan.changes.map((c) => `[${c.group}] ${c.sql}  -- ${c.reason}`).join('\n'), plan.warnings, plan.undeclared);
  process.env.FLEET_APP_PASSWORD = 'app-secret-1'; process.env.FLEET_REPORT_PASSWORD = 'rep-secret-1';
  await applyRoles(db, rf, { environment: 'dev', expected: plan });
  const c = new pg.Client(url); await c.connect();
  await c.query(`BEGIN; SET ROLE migrator; CREATE TABLE users (id bigint generated always as identity primary key, name text); CREATE TABLE user_actions (id bigserial primary key, what text); RESET ROLE; COMMIT`);
  plan = await planRolesOn(db, rf, { environment: 'dev' });
  console.log('--- after tables'); console.log(plan.changes.map((c) => `[${c.group}] ${c.sql}  -- ${c.reason}`).join('\n'), plan.warnings);
  await applyRoles(db, rf, { environment: 'dev', expected: plan });
  plan = await planRolesOn(db, rf, { environment: 'dev' });
  console.log('--- after 2nd apply', plan.changes.length, plan.warnings);
  const a = new pg.Client(s.url('postgres').replace(/\/\/postgres:[^@]*@/, '//fleet_app_dev:app-secret-1@')); await a.connect();
  console.log(await a.query('select current_user, current_setting(\'statement_timeout\')').then(r => r.rows));
  await a.query(`insert into user_actions (what) values ('x')`);
  try { await a.query('delete from user_actions'); } catch (e) { console.log('delete denied:', (e as Error).message); }
  await a.end(); await c.end();
} finally { await s.stop(); }

import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linearHistory } from '../../../src/migrations/graph.js';
import { loadMigrations } from '../../../src/migrations/load.js';
import type { MigrationFile } from '../../../src/migrations/types.js';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { getStatus, runMigrations } from '../../../src/runner/run.js';
import { createTestDatabase, query } from '../../support/db.js';
import { REFERENCE_MIGRATIONS, REPO_ROOT, tempProject, type TempProject } from '../../support/project.js';

/** The tables and columns of ../shared/reference-schema.md, in the order it lists them. */
const SPEC: Record<string, string[]> = {
  users: ['id', 'username', 'email', 'password_hash', 'is_admin', 'created_at', 'updated_at'],
  user_sessions: ['id', 'user_id', 'token_hash', 'expires_at', 'created_at'],
  target_groups: ['id', 'name', 'description', 'created_at', 'updated_at'],
  credentials: ['id', 'name', 'username', 'encrypted_password', 'created_at', 'updated_at'],
  targets: ['id', 'name', 'host', 'port', 'platform', 'credential_id', 'group_id', 'created_at', 'updated_at'],
  target_group_memberships: ['target_id', 'group_id', 'created_at'],
  jobs: ['id', 'name', 'description', 'target_id', 'steps', 'created_by', 'created_at', 'updated_at'],
  job_executions: ['id', 'job_id', 'target_id', 'status', 'started_at', 'completed_at', 'output', 'error_message'],
  job_schedules: ['id', 'job_id', 'cron_expression', 'timezone', 'is_active', 'created_at', 'updated_at'],
  notification_templates: ['id', 'name', 'subject', 'body', 'type', 'created_at', 'updated_at'],
  notifications: ['id', 'type', 'destination', 'template_id', 'payload', 'status', 'created_at', 'sent_at'],
  user_notification_preferences: ['user_id', 'notification_type', 'enabled', 'destination'],
  discovery_jobs: ['id', 'name', 'network_range', 'status', 'created_by', 'created_at', 'completed_at'],
  discovered_targets: ['id', 'discovery_job_id', 'host', 'platform', 'services', 'created_at'],
  step_libraries: ['id', 'name', 'version', 'category', 'steps_data', 'created_at', 'updated_at'],
  user_actions: [
    'id', 'timestamp', 'user_id', 'username', 'user_roles', 'action_type', 'resource', 'outcome', 'ip_address',
    'user_agent', 'request_id', 'request_data', 'response_status', 'error_message', 'duration_ms',
  ],
};

/** Foreign keys the reference schema says cascade; every other one is NO ACTION. */
const CASCADING = new Set([
  'user_sessions(user_id)',
  'target_group_memberships(target_id)',
  'target_group_memberships(group_id)',
  'discovered_targets(discovery_job_id)',
  // A documented departure: preferences are owned by their user (see that migration's notes).
  'user_notification_preferences(user_id)',
]);

const PUBLIC_TABLES = `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`;

/** Tables and columns in public without a non-empty comment. */
const UNCOMMENTED = `
  SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND coalesce(btrim(obj_description(c.oid, 'pg_class')), '') = ''
  UNION ALL
  SELECT c.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND coalesce(btrim(col_description(c.oid, a.attnum)), '') = ''
  ORDER BY 1`;

/**
 * Everything a migration can leave in public, as sorted lines: relations, columns (type,
 * nullability, default, identity), constraints, functions, triggers, types and comments, keyed by
 * name (never by OID) so that a rolled-back and re-applied object compares equal.
 */
const SNAPSHOT = `
  SELECT item FROM (
    SELECT 'relation ' || c.relkind::text || ' ' || c.relname AS item FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
    UNION ALL
    SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
           || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT 'constraint ' || c.conrelid::regclass::text || '.' || c.conname || ' ' || pg_get_constraintdef(c.oid)
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'
    UNION ALL
    SELECT 'index ' || pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
    UNION ALL
    SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
    UNION ALL
    SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND NOT t.tgisinternal
    UNION ALL
    SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public'
    UNION ALL
    SELECT 'comment ' || pg_describe_object(d.classoid, d.objoid, d.objsubid) || ' = ' || d.description
      FROM pg_description d
     WHERE (pg_identify_object(d.classoid, d.objoid, d.objsubid)).schema = 'public'
  ) s ORDER BY 1`;

async function snapshot(url: string): Promise<string[]> {
  return (await query<{ item: string }>(url, SNAPSHOT)).map((r) => r.item);
}

/** Runs statements on one connection and returns the SQLSTATE of the first failure (undefined when all succeed). */
async function sqlstate(url: string, statements: string[]): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? 'no sqlstate';
  } finally {
    await client.end();
  }
}

describe('reference schema migration files', () => {
  const files = loadMigrations(REFERENCE_MIGRATIONS);
  const ordered = linearHistory(files, REPO_ROOT);

  it('form one linear chain of 12 to 20 documented migrations in file order', () => {
    expect(ordered.length).toBeGreaterThanOrEqual(12);
    expect(ordered.length).toBeLessThanOrEqual(20);
    expect(ordered.map((f) => f.fileName)).toEqual(files.map((f) => f.fileName));
    ordered.forEach((file, i) => {
      expect(file.problems, file.fileName).toEqual([]);
      expect(file.revision, file.fileName).toMatch(/^2026\d{10}$/);
      expect(file.revises, file.fileName).toBe(i === 0 ? undefined : ordered[i - 1]!.revision);
      expect(file.description.length, file.fileName).toBeGreaterThan(10);
      expect(file.notes.length, `${file.fileName} explains itself`).toBeGreaterThan(40);
      expect(file.irreversible, file.fileName).toBeUndefined();
      expect(file.down?.sql.trim().length ?? 0, `${file.fileName} has a down section`).toBeGreaterThan(0);
    });
  });

  it('use Transaction: none exactly where they build or drop indexes concurrently, one statement each', () => {
    const concurrent = ordered.filter((f) => /\bCONCURRENTLY\b/i.test(`${f.up?.sql}\n${f.down?.sql}`));
    expect(concurrent.length).toBeGreaterThan(0);
    for (const file of ordered) {
      expect(file.transaction, file.fileName).toBe(concurrent.includes(file) ? 'none' : 'default');
      // Function bodies ($$ ... $$) may say BEGIN; the migration itself may not.
      const outsideBodies = `${file.up?.sql}\n${file.down?.sql}`.replace(/\$\$[\s\S]*?\$\$/g, '$$$$');
      expect(outsideBodies, file.fileName).not.toMatch(/^\s*(BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION)\b/im);
    }
    for (const file of concurrent) {
      const up = file.up!.sql.split(';').filter((s) => s.replace(/--[^\n]*/g, '').trim());
      const down = file.down!.sql.split(';').filter((s) => s.replace(/--[^\n]*/g, '').trim());
      for (const s of up) expect(s.trim(), file.fileName).toMatch(/^CREATE (UNIQUE )?INDEX CONCURRENTLY \w+ ON /);
      for (const s of down) expect(s.trim(), file.fileName).toMatch(/^DROP INDEX CONCURRENTLY IF EXISTS \w+$/);
      expect(down.length, file.fileName).toBe(up.length);
    }
  });
});

describe('reference schema on a real database', () => {
  let project: TempProject;
  let db: DatabaseHandle;
  let ordered: MigrationFile[];
  beforeEach(async () => {
    project = tempProject({ copyReference: true });
    ordered = linearHistory(loadMigrations(project.migrationsDir), project.root);
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.close();
    project.cleanup();
  });

  it('applies every migration and builds the documented schema', async () => {
    const result = await runMigrations(project.config, db, 'up');
    expect(result.migrations.map((m) => m.revision)).toEqual(ordered.map((f) => f.revision));
    expect(result.migrations.filter((m) => !m.transactional).map((m) => m.revision)).toEqual(
      ordered.filter((f) => f.transaction === 'none').map((f) => f.revision),
    );
    expect(result.status.clean).toBe(true);
    expect(result.status.summary.applied).toBe(ordered.length);

    // Exactly the 16 tables of the spec, each with exactly its columns, in the spec's order.
    const tables = await query<{ name: string }>(db.url, PUBLIC_TABLES);
    expect(tables.map((t) => t.name)).toEqual(Object.keys(SPEC).sort());
    const columns = await query<{ table: string; columns: string[] }>(
      db.url,
      `SELECT c.relname AS table, array_agg(a.attname::text ORDER BY a.attnum) AS columns
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped GROUP BY c.relname`,
    );
    expect(Object.fromEntries(columns.map((c) => [c.table, c.columns]))).toEqual(SPEC);

    // Every table and every column is documented.
    expect(await query(db.url, UNCOMMENTED)).toEqual([]);
    const described = await query<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM pg_description d JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND c.oid = d.objoid
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' AND d.description <> ''`,
    );
    const columnCount = Object.values(SPEC).reduce((sum, cols) => sum + cols.length, 0);
    expect(described[0]!.n).toBe(Object.keys(SPEC).length + columnCount);

    // Keys: bigint identity (GENERATED ALWAYS), no serial defaults, no 32-bit key, timestamptz only, no char(n).
    const ids = await query<{ col: string; type: string; identity: string }>(
      db.url,
      `SELECT c.relname || '.' || a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type, a.attidentity AS identity
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attname = 'id' ORDER BY 1`,
    );
    expect(ids).toHaveLength(14);
    for (const id of ids) expect(id, id.col).toMatchObject({ type: 'bigint', identity: 'a' });
    const keyColumns = await query<{ col: string; type: string }>(
      db.url,
      `SELECT con.conrelid::regclass::text || '.' || a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey)
        WHERE n.nspname = 'public' AND con.contype IN ('p', 'f') AND a.attname LIKE '%id'`,
    );
    expect(keyColumns.length).toBeGreaterThan(20);
    for (const k of keyColumns) expect(k.type, k.col).toBe('bigint');
    const badTypes = await query(
      db.url,
      `SELECT c.relname || '.' || a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
          AND (a.atttypid IN ('timestamp'::regtype, 'bpchar'::regtype, 'smallint'::regtype)
               OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval%'
               OR (a.atttypid = 'varchar'::regtype AND c.relname <> 'user_actions'))`,
    );
    expect(badTypes).toEqual([]);
    const stamps = await query<{ col: string; type: string; notnull: boolean; def: string | null }>(
      db.url,
      `SELECT c.relname || '.' || a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS def
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attname IN ('created_at', 'updated_at', 'timestamp')`,
    );
    expect(stamps.length).toBe(Object.values(SPEC).flat().filter((c) => ['created_at', 'updated_at', 'timestamp'].includes(c)).length);
    for (const s of stamps) expect(s, s.col).toMatchObject({ type: 'timestamp with time zone', notnull: true, def: 'now()' });

    // Every foreign key: the ON DELETE action of the spec, and an index whose leading columns are its columns.
    const fks = await query<{ fk: string; action: string; indexed: boolean }>(
      db.url,
      `SELECT con.conrelid::regclass::text || '(' || (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) || ')' AS fk,
              con.confdeltype::text AS action,
              EXISTS (
                SELECT 1 FROM pg_index i
                 WHERE i.indrelid = con.conrelid AND i.indisvalid AND i.indpred IS NULL
                   AND (SELECT array_agg(x ORDER BY x) FROM unnest((string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(con.conkey)]) x)
                     = (SELECT array_agg(x ORDER BY x) FROM unnest(con.conkey) x)
              ) AS indexed
         FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
        WHERE n.nspname = 'public' AND con.contype = 'f' ORDER BY 1`,
    );
    expect(fks).toHaveLength(14);
    for (const fk of fks) expect(fk, fk.fk).toEqual({ fk: fk.fk, action: CASCADING.has(fk.fk) ? 'c' : 'a', indexed: true });
    expect(fks.filter((fk) => fk.action === 'c').map((fk) => fk.fk).sort()).toEqual([...CASCADING].sort());

    // user_actions: its eight indexes (besides the primary key), the composite ones in the spec's column order.
    const auditIndexes = await query<{ name: string; def: string; valid: boolean }>(
      db.url,
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = 'public.user_actions'::regclass AND NOT i.indisprimary ORDER BY 1`,
    );
    expect(auditIndexes.map((i) => i.name)).toEqual([
      'idx_user_actions_action_type',
      'idx_user_actions_outcome',
      'idx_user_actions_request_id',
      'idx_user_actions_timestamp',
      'idx_user_actions_user_id',
      'idx_user_actions_user_id_action_type',
      'idx_user_actions_user_id_timestamp',
      'idx_user_actions_username',
    ]);
    expect(auditIndexes.every((i) => i.valid)).toBe(true);
    expect(auditIndexes.find((i) => i.name === 'idx_user_actions_user_id_timestamp')!.def).toMatch(/USING btree \(user_id, "timestamp"\)$/);
    expect(auditIndexes.find((i) => i.name === 'idx_user_actions_user_id_action_type')!.def).toMatch(/USING btree \(user_id, action_type\)$/);

    // The other indexes the spec names.
    const indexDefs = new Map(
      (await query<{ name: string; def: string }>(db.url, `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = 'public'`)).map((r) => [r.name, r.def]),
    );
    expect(indexDefs.get('idx_job_executions_started_at')).toMatch(/ON public\.job_executions USING btree \(started_at DESC\)$/);
    expect(indexDefs.get('idx_job_executions_status')).toMatch(/\(status\)$/);
    expect(indexDefs.get('idx_user_sessions_expires_at')).toMatch(/\(expires_at\)$/);
    expect(indexDefs.get('idx_targets_platform')).toMatch(/\(platform\)$/);
    expect(indexDefs.get('idx_notifications_status')).toMatch(/\(status\)$/);
    expect(indexDefs.get('uq_step_libraries_name_version')).toMatch(/^CREATE UNIQUE INDEX .* \(name, version\)$/);
    for (const name of indexDefs.keys()) expect(name, 'indexes are named by convention').toMatch(/^(idx|uq|pk)_[a-z_]+$/);
    for (const name of indexDefs.keys()) expect(Buffer.byteLength(name), name).toBeLessThanOrEqual(63);

    // Types the spec gives.
    const typed = await query<{ col: string; type: string }>(
      db.url,
      `SELECT c.relname || '.' || a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND (c.relname, a.attname) IN (('discovery_jobs', 'network_range'), ('credentials', 'encrypted_password'),
              ('jobs', 'steps'), ('notifications', 'payload'), ('discovered_targets', 'services'), ('step_libraries', 'steps_data'),
              ('user_actions', 'user_roles'), ('user_actions', 'request_data'), ('user_actions', 'user_id'), ('user_actions', 'resource'),
              ('user_actions', 'ip_address'), ('user_actions', 'outcome'), ('targets', 'port'))
        ORDER BY 1`,
    );
    expect(Object.fromEntries(typed.map((t) => [t.col, t.type]))).toEqual({
      'credentials.encrypted_password': 'bytea',
      'discovered_targets.services': 'jsonb',
      'discovery_jobs.network_range': 'cidr',
      'jobs.steps': 'jsonb',
      'notifications.payload': 'jsonb',
      'step_libraries.steps_data': 'jsonb',
      'targets.port': 'integer',
      'user_actions.ip_address': 'character varying(45)',
      'user_actions.outcome': 'character varying(50)',
      'user_actions.request_data': 'json',
      'user_actions.resource': 'character varying(500)',
      'user_actions.user_id': 'character varying(255)',
      'user_actions.user_roles': 'json',
    });
  });

  it('enforces its closed sets, ranges and the insert-only audit trail', async () => {
    await runMigrations(project.config, db, 'up');
    const audit = `INSERT INTO user_actions (user_id, username, user_roles, action_type, resource, outcome) VALUES ('u-1', 'ada', '["admin"]', 'job.run', '/jobs/1', `;
    expect(await sqlstate(db.url, [`${audit}'success')`, `${audit}'permission_denied')`])).toBeUndefined();
    expect(await sqlstate(db.url, [`${audit}'maybe')`])).toBe('23514');
    expect(await sqlstate(db.url, [`UPDATE user_actions SET outcome = 'error'`])).toBe('42501');
    expect(await sqlstate(db.url, [`DELETE FROM user_actions`])).toBe('42501');
    expect(await sqlstate(db.url, [`TRUNCATE user_actions`])).toBe('42501');
    expect(await query(db.url, `SELECT count(*)::int AS n FROM user_actions WHERE outcome <> 'error'`)).toEqual([{ n: 2 }]);
    // Retention, as the migration's notes describe it, may delete.
    expect(await sqlstate(db.url, ['BEGIN', `SET LOCAL pgwarden.audit_maintenance = on`, `DELETE FROM user_actions WHERE outcome = 'permission_denied'`, 'COMMIT'])).toBeUndefined();
    expect(await query(db.url, `SELECT outcome FROM user_actions`)).toEqual([{ outcome: 'success' }]);
    // SET LOCAL ended with its transaction: the guard is back.
    expect(await sqlstate(db.url, [`DELETE FROM user_actions`])).toBe('42501');

    expect(await sqlstate(db.url, [`INSERT INTO credentials (name, username, encrypted_password) VALUES ('c', 'root', '\\x00')`])).toBeUndefined();
    const target = `INSERT INTO targets (name, host, platform, port) VALUES ('web-1', '10.0.0.1', 'linux', `;
    expect(await sqlstate(db.url, [`${target}22)`, `${target}65535)`, `${target}NULL)`])).toBeUndefined();
    expect(await sqlstate(db.url, [`${target}0)`])).toBe('23514');
    expect(await sqlstate(db.url, [`${target}65536)`])).toBe('23514');
    expect(await sqlstate(db.url, [`INSERT INTO jobs (name, steps) VALUES ('j', '{"not": "an array"}')`])).toBe('23514');
    expect(await sqlstate(db.url, [`INSERT INTO jobs (name) VALUES ('j')`])).toBeUndefined();
    const run = `INSERT INTO job_executions (job_id, target_id, status) SELECT j.id, t.id, `;
    expect(await sqlstate(db.url, [`${run}'running' FROM jobs j, targets t LIMIT 1`])).toBeUndefined();
    expect(await sqlstate(db.url, [`${run}'done' FROM jobs j, targets t LIMIT 1`])).toBe('23514');
    expect(await sqlstate(db.url, [`UPDATE job_executions SET started_at = now(), completed_at = now() - interval '1 hour'`])).toBe('23514');
    expect(await sqlstate(db.url, [`DELETE FROM targets`])).toBe('23503');
    expect(await sqlstate(db.url, [`INSERT INTO notifications (type, destination, status) VALUES ('pager', 'x', 'pending')`])).toBe('23514');
    expect(await sqlstate(db.url, [`INSERT INTO notifications (type, destination, status) VALUES ('email', 'a@b', 'sent')`])).toBe('23514');
    expect(await sqlstate(db.url, [`INSERT INTO notifications (type, destination, status, sent_at) VALUES ('email', 'a@b', 'sent', now())`])).toBeUndefined();
    expect(await sqlstate(db.url, [`INSERT INTO discovery_jobs (name, network_range) VALUES ('lan', '10.0.0.0/33')`])).toBe('22P02');
    expect(await sqlstate(db.url, [`INSERT INTO discovery_jobs (name, network_range) VALUES ('lan', '10.0.0.0/24')`])).toBeUndefined();

    // Cascades: a user's sessions and preferences go with it; a discovery job's findings with it.
    expect(
      await sqlstate(db.url, [
        `INSERT INTO users (username, email, password_hash) VALUES ('ada', 'ada@example.com', 'h')`,
        `INSERT INTO user_sessions (user_id, token_hash, expires_at) SELECT id, 't', now() + interval '1 day' FROM users`,
        `INSERT INTO user_notification_preferences (user_id, notification_type) SELECT id, 'email' FROM users`,
        `INSERT INTO discovered_targets (discovery_job_id, host) SELECT id, '10.0.0.7' FROM discovery_jobs`,
        `DELETE FROM users`,
        `DELETE FROM discovery_jobs`,
      ]),
    ).toBeUndefined();
    expect(
      await query(db.url, `SELECT (SELECT count(*) FROM user_sessions)::int AS s, (SELECT count(*) FROM user_notification_preferences)::int AS p, (SELECT count(*) FROM discovered_targets)::int AS d`),
    ).toEqual([{ s: 0, p: 0, d: 0 }]);
  });

  it('rolls back to an empty public schema with down --to 0, then applies again', async () => {
    const empty = await snapshot(db.url);
    expect(empty).toEqual([]);
    await runMigrations(project.config, db, 'up');
    const full = await snapshot(db.url);
    expect(full.filter((s) => s.startsWith('function '))).toEqual(['function user_actions_reject_change()']);
    expect(full.filter((s) => s.startsWith('trigger ')).length).toBe(2);

    const down = await runMigrations(project.config, db, 'down', { to: '0' });
    expect(down.migrations.map((m) => m.revision)).toEqual(ordered.map((f) => f.revision).reverse());
    const counts = await query<{ relations: number; types: number; functions: number }>(
      db.url,
      `SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public')::int AS relations,
              (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public')::int AS types,
              (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public')::int AS functions`,
    );
    expect(counts).toEqual([{ relations: 0, types: 0, functions: 0 }]);
    expect(await snapshot(db.url)).toEqual([]);
    const status = await getStatus(project.config, db);
    expect(status.migrations.every((m) => m.state === 'pending')).toBe(true);

    const again = await runMigrations(project.config, db, 'up');
    expect(again.migrations).toHaveLength(ordered.length);
    expect(await snapshot(db.url)).toEqual(full);
  });

  it('applies one migration at a time, each documenting what it creates, and each down restores the schema before it', async () => {
    const before: string[][] = [];
    for (const file of ordered) {
      const prior = await snapshot(db.url);
      before.push(prior);
      const result = await runMigrations(project.config, db, 'up', { count: 1 });
      expect(result.migrations.map((m) => m.revision)).toEqual([file.revision]);
      const after = await snapshot(db.url);
      expect(after, `${file.fileName} changes the schema`).not.toEqual(prior);
      // Comments come in the migration that creates the table or column.
      expect(await query(db.url, UNCOMMENTED), `${file.fileName} leaves nothing undocumented`).toEqual([]);
      // An index on a table that existed before this migration is only built concurrently.
      const priorTables = new Set(prior.filter((s) => s.startsWith('relation r ')).map((s) => s.slice('relation r '.length)));
      const newIndexes = after.filter((s) => s.startsWith('index ') && !prior.includes(s));
      for (const index of newIndexes) {
        const [, name, table] = /INDEX (\w+) ON public\.(\w+) /.exec(index)!;
        if (!priorTables.has(table!)) continue;
        expect(file.transaction, `${file.fileName}: ${index}`).toBe('none');
        expect(file.up!.sql, `${file.fileName} builds ${name} concurrently`).toMatch(new RegExp(`CREATE (UNIQUE )?INDEX CONCURRENTLY ${name} `));
      }
    }
    expect((await getStatus(project.config, db)).summary.applied).toBe(ordered.length);

    for (let i = ordered.length - 1; i >= 0; i--) {
      const result = await runMigrations(project.config, db, 'down', { count: 1 });
      expect(result.migrations.map((m) => m.revision)).toEqual([ordered[i]!.revision]);
      expect(await snapshot(db.url), `down of ${ordered[i]!.fileName} restores the schema before its up`).toEqual(before[i]);
    }
    expect((await getStatus(project.config, db)).summary.applied).toBe(0);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../../src/catalog/diff.js';
import { snapshotOf, snapshotOptionsFor } from '../../../src/catalog/snapshot.js';
import { resolveConfig } from '../../../src/config/load.js';
import { canonicalSnapshot, MIGRATOR } from '../../../src/docs/canonical.js';
import { generateDocs } from '../../../src/docs/generate.js';
import { unifiedDiff } from '../../../src/docs/text-diff.js';
import type { DocsResult } from '../../../src/docs/types.js';
import { runCli } from '../../support/cli.js';
import { adminUrl, createTestDatabase } from '../../support/db.js';
import { REPO_ROOT, sqlMigration, tempProject, type TempProject } from '../../support/project.js';

const HEAD = '20261118093000';
const NEXT = '20261201090000';

/** A migration after the reference history that adds one documented column. */
const addLocale = sqlMigration(NEXT, HEAD, "ALTER TABLE users ADD COLUMN locale text;\nCOMMENT ON COLUMN users.locale IS 'Preferred language, as a BCP 47 tag.';", 'ALTER TABLE users DROP COLUMN locale;');

const fileOf = (result: DocsResult, name: string) => result.files.find((f) => f.name === name)!.content;

describe('pgwarden docs on the reference schema', () => {
  let project: TempProject;
  let result: DocsResult;
  beforeAll(async () => {
    project = tempProject({ copyReference: true });
    result = await generateDocs(project.config, { url: adminUrl() });
  });
  afterAll(() => project?.cleanup());

  it('generates the same bytes twice', async () => {
    const again = await generateDocs(project.config, { url: adminUrl() });
    expect(again.files.map((f) => [f.name, f.content])).toEqual(result.files.map((f) => [f.name, f.content]));
  });

  it('writes a canonical snapshot without the ledger schema, the server or the role that built it', () => {
    const snapshot = JSON.parse(fileOf(result, 'snapshot.json'));
    expect(Object.keys(snapshot.tables)).toHaveLength(16);
    expect(Object.keys(snapshot.schemas)).toEqual(['public']);
    expect(snapshot.database).toEqual({ owner: '<migrator>', comment: null, privileges: [] });
    expect(snapshot.tables['public.users'].owner).toBe('<migrator>');
    const text = fileOf(result, 'snapshot.json');
    expect(text).not.toContain('"postgres"');
    expect(text).not.toMatch(/pgwarden_tmp|127\.0\.0\.1|pgwarden\.ledger/);
  });

  it('reports full documentation coverage and no schema finding for the reference schema', () => {
    expect(result.coverage.tables).toEqual({ documented: 16, total: 16 });
    expect(result.coverage.columns.documented).toBe(result.coverage.columns.total);
    expect(result.findings).toEqual([]);
  });

  it('writes a README with the overview, a Mermaid ER diagram, and a section per table', () => {
    const readme = fileOf(result, 'README.md');
    expect(readme).toContain('| [public.jobs](#publicjobs) | Automation definitions: a named list of steps to run on a target. |');
    expect(readme).toContain('```mermaid\nerDiagram\n');
    // jobs.target_id is nullable, job_executions.job_id is not.
    expect(readme).toContain('    "targets" |o--o{ "jobs" : "target_id"');
    expect(readme).toContain('    "jobs" ||--o{ "job_executions" : "job_id"');
    expect(readme).toContain('    "target_group_memberships" {\n        bigint target_id PK, FK\n');
    for (const name of Object.keys(result.snapshot.tables)) expect(readme).toContain(`\n## ${name}\n`);
    const section = readme.slice(readme.indexOf('\n## public.user_actions\n'), readme.indexOf('\n## public.user_notification_preferences\n'));
    expect(section).toContain('| `timestamp` | `timestamp with time zone` | no | `now()` | When the action was handled. |');
    expect(section).toContain('| `idx_user_actions_user_id_timestamp` | `user_id, timestamp` | btree |');
    expect(section).toContain('| `trg_user_actions_insert_only` | before update or delete, for each row | `public.user_actions_reject_change()` |');
    expect(section).toContain('| [20261104100000](../migrations/20261104100000_create_user_actions.sql) | Create user_actions, the insert-only audit trail |');
    expect(section).toContain(`| [${HEAD}](../migrations/${HEAD}_index_user_actions_by_user.sql) |`);
    const users = readme.slice(readme.indexOf('\n## public.users\n'));
    expect(users).toContain('**Referenced by**');
    expect(users).toContain('| [public.user_sessions](#publicuser_sessions) | `user_id` | `fk_user_sessions_user_id` | CASCADE |');
  });

  it('writes schema.sql that rebuilds the same schema on an empty database', async () => {
    const sql = fileOf(result, 'schema.sql');
    expect(sql).toContain('CREATE TABLE public.user_actions (\n    id bigint GENERATED ALWAYS AS IDENTITY,\n    "timestamp" timestamp with time zone DEFAULT now() NOT NULL,');
    expect(sql).toContain('CREATE OR REPLACE FUNCTION public.user_actions_reject_change()');
    const db = await createTestDatabase();
    try {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      let applier: string;
      try {
        await client.query(sql);
        applier = (await client.query<{ role: string }>('SELECT current_user AS role')).rows[0]!.role;
      } finally {
        await client.end();
      }
      const rebuilt = canonicalSnapshot(await snapshotOf(db, snapshotOptionsFor(project.config)), applier);
      // ck_user_actions_outcome (varchar IN (...)) included: Postgres prints it as a whole-array
      // cast, which schema.sql writes so that it parses back as one.
      expect(diffSnapshots(result.snapshot, rebuilt)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('changes only a few lines of each file for one added column', async () => {
    const other = tempProject({ copyReference: true });
    try {
      other.write(`${NEXT}_add_users_locale.sql`, addLocale);
      const after = await generateDocs(other.config, { url: adminUrl() });
      const changed = (name: string) => unifiedDiff(fileOf(result, name), fileOf(after, name), { before: 'a', after: 'b' }, 0).filter((l) => /^[-+](?![-+]{2} )/.test(l)).length;
      // The column's own lines, the comma before it, the header's migration count and coverage.
      expect(changed('snapshot.json')).toBeLessThanOrEqual(14);
      expect(changed('README.md')).toBeLessThanOrEqual(8);
      expect(changed('schema.sql')).toBeLessThanOrEqual(6);
      expect(fileOf(after, 'README.md')).toContain(`| [${NEXT}](../migrations/${NEXT}_add_users_locale.sql) | Test migration ${NEXT} |`);
    } finally {
      other.cleanup();
    }
  });
});

/** One migration with every kind of object the snapshot knows, odd names included. */
const EVERY_KIND = `
CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'Application objects.';
CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN app.positive AS integer CONSTRAINT positive_check CHECK (VALUE > 0);
CREATE TYPE app.pair AS (a integer, b text);
CREATE TYPE app.floatrange AS RANGE (subtype = float8);
CREATE SEQUENCE app.ticket_seq START 100 INCREMENT 5;
CREATE TABLE app.events (
  id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 10 CACHE 5), at timestamptz NOT NULL, mood app.mood DEFAULT 'ok',
  n app.positive, code text COLLATE "C", total numeric(10,2) GENERATED ALWAYS AS (n * 2) STORED,
  ticket bigint DEFAULT nextval('app.ticket_seq'), PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE TABLE app.events_2026 PARTITION OF app.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
ALTER SEQUENCE app.ticket_seq OWNED BY app.events.ticket;
CREATE TABLE "Odd Table" ("User" text PRIMARY KEY, "select" int);
ALTER TABLE "Odd Table" ADD CONSTRAINT ck_select CHECK ("select" > 0) NOT VALID;
CREATE UNLOGGED TABLE app.cache (k text PRIMARY KEY, v jsonb) WITH (fillfactor = 70);
CREATE INDEX idx_cache_v ON app.cache USING gin (v) WHERE v IS NOT NULL;
CREATE UNIQUE INDEX idx_cache_lower ON app.cache (lower(k)) INCLUDE (v);
ALTER TABLE app.cache ENABLE ROW LEVEL SECURITY;
CREATE POLICY cache_read ON app.cache FOR SELECT TO PUBLIC USING (k <> 'secret');
CREATE VIEW app.recent AS SELECT id, at FROM app.events WHERE at > now() - interval '1 day';
CREATE VIEW app.recent_ids WITH (security_barrier = true) AS SELECT id FROM app.recent;
CREATE MATERIALIZED VIEW app.counts AS SELECT count(*) AS n FROM app.events;
CREATE INDEX idx_counts_n ON app.counts (n);
CREATE FUNCTION app.add(a integer, b integer DEFAULT 1) RETURNS integer LANGUAGE sql IMMUTABLE RETURN a + b;
CREATE PROCEDURE app.noop() LANGUAGE plpgsql AS $$ BEGIN END $$;
REVOKE EXECUTE ON FUNCTION app.add(integer, integer) FROM PUBLIC;
GRANT SELECT ON app.cache TO PUBLIC;
GRANT UPDATE (v) ON app.cache TO PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER trg_cache_touch BEFORE UPDATE ON app.cache FOR EACH ROW EXECUTE FUNCTION app.touch();
ALTER TABLE app.cache DISABLE TRIGGER trg_cache_touch;
CREATE TABLE app.parent (id int PRIMARY KEY);
CREATE TABLE app.child (pid int REFERENCES app.parent (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED) INHERITS (app.parent);
COMMENT ON VIEW app.recent IS 'Last day.';
COMMENT ON INDEX app.idx_cache_v IS 'Lookups by value.';
COMMENT ON POLICY cache_read ON app.cache IS 'Everyone reads non-secrets.';
COMMENT ON TYPE app.mood IS 'How it went.';
COMMENT ON CONSTRAINT positive_check ON DOMAIN app.positive IS 'Positive.';
ALTER DEFAULT PRIVILEGES REVOKE TRUNCATE, TRIGGER ON TABLES FROM CURRENT_USER;
ALTER DEFAULT PRIVILEGES REVOKE ALL ON SEQUENCES FROM CURRENT_USER;
`;

describe('pgwarden docs on a schema with every kind of object', () => {
  let project: TempProject;
  let result: DocsResult;
  beforeAll(async () => {
    project = tempProject();
    project.write('20260101000000_every_kind.sql', sqlMigration('20260101000000', undefined, EVERY_KIND, 'DROP SCHEMA app CASCADE; DROP TABLE "Odd Table";'));
    result = await generateDocs(project.config, { url: adminUrl() });
  });
  afterAll(() => project?.cleanup());

  it('writes schema.sql that rebuilds exactly the same snapshot', async () => {
    const db = await createTestDatabase();
    try {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      let applier: string;
      try {
        await client.query(fileOf(result, 'schema.sql'));
        applier = (await client.query<{ role: string }>('SELECT current_user AS role')).rows[0]!.role;
      } finally {
        await client.end();
      }
      const rebuilt = canonicalSnapshot(await snapshotOf(db, snapshotOptionsFor(project.config)), applier);
      expect(diffSnapshots(result.snapshot, rebuilt)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("records the migrating role's own default privileges a global entry takes away (an empty ACL too), and schema.sql revokes them", () => {
    const own = result.snapshot.defaultPrivileges.filter((d) => d.grantee === MIGRATOR);
    expect(own.filter((d) => d.revoked).map((d) => [d.objectType, d.privilege])).toEqual([
      ['sequence', 'SELECT'],
      ['sequence', 'UPDATE'],
      ['sequence', 'USAGE'],
      ['table', 'TRIGGER'],
      ['table', 'TRUNCATE'],
    ]);
    const sql = fileOf(result, 'schema.sql');
    expect(sql).toContain('ALTER DEFAULT PRIVILEGES REVOKE SELECT, UPDATE, USAGE ON SEQUENCES FROM CURRENT_USER;\n');
    expect(sql).toContain('ALTER DEFAULT PRIVILEGES REVOKE TRIGGER, TRUNCATE ON TABLES FROM CURRENT_USER;\n');
  });

  it('documents views, types, functions, sequences and partitions, and quotes odd names', () => {
    const readme = fileOf(result, 'README.md');
    expect(readme).toContain('Partitions: `app.events_2026` of [app.events](#appevents).');
    expect(readme).toContain('| [app.counts](#appcounts) | materialized view |');
    expect(readme).toContain('| `app.mood` | enum | `sad`, `ok`, `happy` | How it went. |');
    expect(readme).toContain('| `app.add(integer,integer)` | `integer` | sql |');
    expect(readme).toContain('    "app.parent" |o--o{ "app.child" : "pid"');
    expect(readme).toContain('    "Odd Table" {\n        text User PK\n');
    expect(readme).toContain('row level security.');
    const findings = result.findings.filter((f) => f.rule !== 'require-comment');
    expect(findings.map((f) => [f.rule, f.object, f.help])).toEqual([
      ['require-primary-key', 'app.child', 'ALTER TABLE app.child ADD CONSTRAINT pk_child PRIMARY KEY (...);'],
      ['require-fk-index', 'app.child.child_pid_fkey', 'CREATE INDEX idx_child_pid ON app.child (pid);'],
    ]);
    expect(result.findings.find((f) => f.object === 'public.Odd Table.select')?.help).toBe(`COMMENT ON COLUMN public."Odd Table"."select" IS '...';`);
  });
});

describe('pgwarden docs and docs --check (CLI)', () => {
  let project: TempProject;
  beforeAll(() => {
    project = tempProject({ copyReference: true });
  });
  afterAll(() => project?.cleanup());
  const cli = (...args: string[]) => runCli([...args, '--url', adminUrl()], { cwd: project.root });

  it('fails the check while schema/ is missing, then writes it, then passes the check', async () => {
    const missing = await cli('docs', '--check');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('schema/ is stale: schema/snapshot.json, schema/README.md, schema/schema.sql are missing.');

    const written = await cli('docs');
    expect(written.stderr).toBe('');
    expect(written.code).toBe(0);
    expect(written.stdout).toContain('Wrote schema/snapshot.json, schema/README.md, schema/schema.sql (16 migrations, 16 tables).');
    expect(written.stdout).toMatch(/Coverage: tables 16\/16 documented \(100\.0%\), columns (\d+)\/\1 documented \(100\.0%\)\./);
    const before = readFileSync(join(project.root, 'schema', 'README.md'));

    const again = await cli('docs');
    expect(again.stdout).toContain('schema/ is up to date');
    expect(readFileSync(join(project.root, 'schema', 'README.md')).equals(before)).toBe(true);

    const check = await cli('docs', '--check');
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`schema/ is current: snapshot.json, README.md, schema.sql match the 16 migrations (head ${HEAD}).`);
  });

  it('fails the check after a new migration, with a short diff and the command that fixes it, until docs runs', async () => {
    await cli('docs');
    project.write(`${NEXT}_add_users_locale.sql`, addLocale);
    const stale = await cli('docs', '--check');
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('schema/ is stale: schema/snapshot.json, schema/README.md, schema/schema.sql differ from what the migrations produce.');
    expect(stale.stdout).toContain('--- schema/snapshot.json (committed)\n+++ schema/snapshot.json (from the migrations)\n@@ ');
    expect(stale.stdout).toContain('+          "name": "locale",');
    // What differs, in words, before the diff.
    expect(stale.stdout).toContain("The committed snapshot differs from the migrations' schema in 1 place:\n  - column public.users.locale was added\n--- schema/snapshot.json");
    expect(stale.stdout).toContain('Run `pgwarden docs` to regenerate schema/, and commit the result.');
    const diffLines = stale.stdout.split('\n').filter((l) => /^([-+ @])/.test(l) && !l.startsWith('  - '));
    expect(diffLines.length).toBeLessThanOrEqual(40);
    expect(stale.stdout).toMatch(/\.\.\. \d+ more diff lines/);
    // --check writes nothing.
    expect(readFileSync(join(project.root, 'schema', 'snapshot.json'), 'utf8')).not.toContain('"locale"');

    const json = await cli('docs', '--check', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).files.map((f: { file: string; state: string }) => [f.file, f.state])).toEqual([
      ['schema/snapshot.json', 'stale'],
      ['schema/README.md', 'stale'],
      ['schema/schema.sql', 'stale'],
    ]);

    expect((await cli('docs')).code).toBe(0);
    const current = await cli('docs', '--check');
    expect(current.code).toBe(0);
    expect(readFileSync(join(project.root, 'schema', 'snapshot.json'), 'utf8')).toContain('"locale"');
  });

  it("fails the check after a migration that takes the migrating role's own default privileges away, which leaves an empty entry", async () => {
    project.write(`${NEXT}_add_users_locale.sql`, addLocale);
    expect((await cli('docs')).code).toBe(0);
    const later = '20261202090000';
    project.write(`${later}_revoke_own_defaults.sql`, sqlMigration(later, NEXT, 'ALTER DEFAULT PRIVILEGES REVOKE ALL ON SEQUENCES FROM CURRENT_USER;', 'ALTER DEFAULT PRIVILEGES GRANT ALL ON SEQUENCES TO CURRENT_USER;'));
    const stale = await cli('docs', '--check');
    expect(stale.code, stale.stdout + stale.stderr).toBe(1);
    expect(stale.stdout).toContain(
      "The committed snapshot differs from the migrations' schema in 3 places:\n" +
        ['SELECT', 'UPDATE', 'USAGE'].map((p) => `  - revoke of default privilege ${p} on sequences created by <migrator> from <migrator> itself was added\n`).join(''),
    );
    expect((await cli('docs')).code).toBe(0);
    expect(readFileSync(join(project.root, 'schema', 'schema.sql'), 'utf8')).toContain('\nALTER DEFAULT PRIVILEGES REVOKE SELECT, UPDATE, USAGE ON SEQUENCES FROM CURRENT_USER;\n');
    expect((await cli('docs', '--check')).code).toBe(0);
  });
});

describe('schema rules and coverage', () => {
  let project: TempProject;
  beforeAll(() => {
    project = tempProject();
    project.write(
      '20260101000000_create.sql',
      sqlMigration(
        '20260101000000',
        undefined,
        [
          'CREATE TABLE authors (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);',
          "COMMENT ON TABLE authors IS 'Who writes.';",
          "COMMENT ON COLUMN authors.id IS 'Key.';",
          'CREATE TABLE posts (author_id bigint NOT NULL REFERENCES authors (id), title text);',
          "COMMENT ON TABLE posts IS 'What they write.';",
          "COMMENT ON COLUMN posts.author_id IS 'Author.';",
          "COMMENT ON COLUMN posts.title IS 'Title.';",
        ].join('\n'),
        'DROP TABLE posts; DROP TABLE authors;',
      ),
    );
  });
  afterAll(() => project?.cleanup());

  it('reports the missing comment with a coverage figure, a table without primary key and a foreign key without index', async () => {
    const result = await runCli(['docs', '--url', adminUrl()], { cwd: project.root });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Coverage: tables 2/2 documented (100.0%), columns 3/4 documented (75.0%).');
    expect(result.stdout).toContain('error[require-primary-key] public.posts: table public.posts has no primary key');
    expect(result.stdout).toContain('warning[require-fk-index] public.posts.posts_author_id_fkey: foreign key posts_author_id_fkey on public.posts (author_id) has no index whose leading columns are (author_id)');
    expect(result.stdout).toContain('error[require-comment] public.authors.name: column public.authors.name has no comment');
    expect(result.stdout).toContain("  help: COMMENT ON COLUMN public.authors.name IS '...';");
    expect(result.stdout).toContain('2 errors, 1 warning');
    // The files are written all the same: the findings are about the schema, not the docs.
    expect(readFileSync(join(project.root, 'schema', 'README.md'), 'utf8')).toContain('columns 3/4 documented (75.0%)');
    expect((await runCli(['docs', '--check', '--url', adminUrl()], { cwd: project.root })).code).toBe(1);
  });

  it('takes the rules severities from the config', async () => {
    writeFileSync(join(project.root, 'pgwarden.config.yaml'), 'docs:\n  requireComment: warning\n  requirePrimaryKey: "off"\n  requireFkIndex: error\n');
    try {
      const result = await runCli(['docs', '--check', '--json', '--url', adminUrl()], { cwd: project.root });
      const json = JSON.parse(result.stdout);
      expect(json.current).toBe(true);
      expect(json.coverage.text).toBe('tables 2/2 documented (100.0%), columns 3/4 documented (75.0%)');
      expect(json.findings.map((f: { rule: string; severity: string; object: string }) => [f.rule, f.severity, f.object])).toEqual([
        ['require-fk-index', 'error', 'public.posts.posts_author_id_fkey'],
        ['require-comment', 'warning', 'public.authors.name'],
      ]);
      expect(result.code).toBe(1);
      const config = resolveConfig({ docs: { requireComment: 'warning', requirePrimaryKey: 'off', requireFkIndex: 'off' } }, undefined, project.root);
      expect((await generateDocs(config, { url: adminUrl() })).findings.map((f) => f.severity)).toEqual(['warning']);
    } finally {
      writeFileSync(join(project.root, 'pgwarden.config.yaml'), '{}\n');
    }
  });
});

describe("the repository's own schema/", () => {
  it('is current: pgwarden docs --check passes in the repository', async () => {
    const result = await runCli(['docs', '--check'], { cwd: REPO_ROOT });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('schema/ is current');
    expect(result.code).toBe(0);
  });
});

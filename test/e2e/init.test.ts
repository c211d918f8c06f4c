import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/** The path a new user takes: init, a first migration, docs, then what CI runs. */
describe('pgwarden init, as a new user runs it', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pgwarden-e2e-init-'));
    execFileSync('git', ['init', '-q'], { cwd: root });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('sets the repository up, a first migration passes pgwarden check, and a second init keeps every file', async () => {
    let r = await runCli(['init'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/created +pgwarden\.config\.yaml/);
    expect(r.stdout).toMatch(/created +schema\/roles\.yaml/);
    expect(r.stdout).toMatch(/created +\.git\/hooks\/pre-commit/);
    expect(r.stdout).toMatch(/created +\.github\/workflows\/pgwarden\.yml/);

    r = await runCli(['new', 'Create the customers table'], { cwd: root });
    expect(r.code).toBe(0);
    const [file] = readdirSync(join(root, 'migrations')).filter((n) => n.endsWith('.sql'));
    const path = join(root, 'migrations', file!);
    const text = readFileSync(path, 'utf8')
      .replace('-- Why this change, and anything a reviewer must know.', '-- The people who buy from us.')
      .replace(
        '-- Up Migration\n',
        [
          '-- Up Migration',
          'CREATE TABLE customers (',
          '  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_customers PRIMARY KEY,',
          '  email text NOT NULL',
          ');',
          "COMMENT ON TABLE customers IS 'People who buy from us.';",
          "COMMENT ON COLUMN customers.id IS 'Surrogate key.';",
          "COMMENT ON COLUMN customers.email IS 'Where receipts go.';",
          '',
        ].join('\n'),
      )
      .replace('-- Down Migration\n', '-- Down Migration\nDROP TABLE customers;\n');
    writeFileSync(path, text);

    r = await runCli(['docs'], { cwd: root });
    expect(r.code, r.stdout + r.stderr).toBe(0);

    // The default: an embedded throwaway cluster, where the starter roles.yaml is applied and planned again.
    r = await runCli(['check'], { cwd: root });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^lint +passed/m);
    expect(r.stdout).toMatch(/^verify +passed .*1\/1 reversible/m);
    expect(r.stdout).toMatch(/^docs +passed/m);
    expect(r.stdout).toMatch(/^roles +passed .*statements applied, plan empty after/m);
    expect(r.stdout).toMatch(/pgwarden check passed/);

    r = await runCli(['init'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/created/);
    expect(r.stdout).toMatch(/kept +pgwarden\.config\.yaml/);
    expect(r.stdout).toMatch(/kept +migrations\//);
    expect(r.stdout).toMatch(/kept +\.git\/hooks\/pre-commit/);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('leaves a project that pgwarden check passes at once: no migrations, nothing to document yet; the first migration then needs pgwarden docs', async () => {
    let r = await runCli(['init'], { cwd: root });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    r = await runCli(['check'], { cwd: root });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^docs +passed +0 +0 .*no migrations yet: nothing to document \(pgwarden docs writes schema\/ after the first one\)/m);
    expect(r.stdout).toMatch(/pgwarden check passed/);
    // docs --check agrees, and wrote nothing.
    r = await runCli(['docs', '--check'], { cwd: root });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('schema/ has nothing to document yet: there are no migrations. pgwarden docs writes snapshot.json, README.md, schema.sql once there is one.');
    r = await runCli(['docs', '--check', '--json'], { cwd: root });
    expect(JSON.parse(r.stdout)).toMatchObject({ current: true, nothingToDocument: true, migrations: 0 });
    expect(existsSync(join(root, 'schema', 'snapshot.json'))).toBe(false);

    // A first migration has a schema to document: the docs step fails until pgwarden docs runs.
    r = await runCli(['new', 'Create the notes table'], { cwd: root });
    expect(r.code).toBe(0);
    const [file] = readdirSync(join(root, 'migrations')).filter((n) => n.endsWith('.sql'));
    const path = join(root, 'migrations', file!);
    writeFileSync(path, readFileSync(path, 'utf8').replace('-- Up Migration\n', "-- Up Migration\nCREATE TABLE notes (id bigint PRIMARY KEY);\nCOMMENT ON TABLE notes IS 'Notes.';\nCOMMENT ON COLUMN notes.id IS 'Key.';\n").replace('-- Down Migration\n', '-- Down Migration\nDROP TABLE notes;\n'));
    r = await runCli(['check', '--skip', 'roles'], { cwd: root });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^docs +FAILED .*schema\/ is stale: snapshot\.json \(missing\), README\.md \(missing\), schema\.sql \(missing\)/m);

    // With the files written and the migration gone again, the files are compared as they are (stale).
    r = await runCli(['docs'], { cwd: root });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    rmSync(path);
    r = await runCli(['docs', '--check'], { cwd: root });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('schema/ is stale:');
  });

  it('the command the generated config names for its resolved settings works: pgwarden config is config show', async () => {
    expect((await runCli(['init', '--hook', 'none', '--ci', 'none'], { cwd: root })).code).toBe(0);
    const comment = /`(pgwarden config[^`]*)` prints the resolved settings/.exec(readFileSync(join(root, 'pgwarden.config.yaml'), 'utf8'));
    expect(comment?.[1]).toBe('pgwarden config');
    const bare = await runCli(['config'], { cwd: root });
    expect(bare.code, bare.stderr).toBe(0);
    expect(JSON.parse(bare.stdout)).toMatchObject({ configFile: join(root, 'pgwarden.config.yaml'), lint: { postgresVersion: 15 } });
    expect(bare.stdout).toBe((await runCli(['config', 'show'], { cwd: root })).stdout);
    const check = await runCli(['config', 'check'], { cwd: root });
    expect(check.stdout).toContain('pgwarden.config.yaml is valid.');
  });
});

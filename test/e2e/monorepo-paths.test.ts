/**
 * A pgwarden project in a package folder of a git repository (`packages/db`, as `pgwarden init`
 * sets up a monorepo): GitHub resolves SARIF artifact URIs and annotation files against the top of
 * the repository, so those formats name files from there; text and JSON keep the project's paths.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { adminUrl } from '../support/db.js';
import { sqlMigration } from '../support/project.js';

const FIRST = '20260101000000';
const BROKEN = '20260102000000';
const PREFIX = 'packages/db/migrations/';

interface SarifRun {
  automationDetails?: { id: string };
  originalUriBaseIds: Record<string, { uri?: string }>;
  results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }> }>;
}

function uris(run: SarifRun): string[] {
  return run.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
}

/** Every location of the run is under packages/db/migrations/, relative to %SRCROOT%, and there is at least one. */
function expectFromTop(run: SarifRun): void {
  expect(run.results.length).toBeGreaterThan(0);
  for (const r of run.results) expect(r.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: expect.stringMatching(new RegExp(`^${PREFIX}\\d{14}_\\w+\\.sql$`)), uriBaseId: '%SRCROOT%' });
  expect(run.originalUriBaseIds['%SRCROOT%']).toBeDefined();
  expect(run.originalUriBaseIds['%SRCROOT%']!.uri).toBeUndefined();
}

describe('SARIF and GitHub annotations of a project in a package folder of a git repository', () => {
  let top: string;
  let db: string;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const env = { GIT_DIR: undefined, GIT_WORK_TREE: undefined } as const;

  beforeAll(() => {
    top = mkdtempSync(join(tmpdir(), 'pgwarden-monorepo-'));
    git(top, 'init', '-q');
    db = join(top, 'packages', 'db');
    mkdirSync(join(db, 'migrations'), { recursive: true });
    writeFileSync(join(top, 'package.json'), '{ "workspaces": ["packages/*"] }\n');
    writeFileSync(join(db, 'package.json'), '{}\n');
    writeFileSync(join(db, 'migrations', `${FIRST}_accounts.sql`), sqlMigration(FIRST, undefined, 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);', 'DROP TABLE accounts;'));
    // Lint (down-reverses-up) and verify (down-restores-schema) both find that the down leaves the column.
    writeFileSync(join(db, 'migrations', `${BROKEN}_add_flag.sql`), sqlMigration(BROKEN, FIRST, 'ALTER TABLE accounts ADD COLUMN flag boolean;', '-- forgot to drop the column\nSELECT 1;'));
  });
  afterAll(() => rmSync(top, { recursive: true, force: true }));

  it('lint: sarif and github name packages/db/migrations/..., text and json keep migrations/...', async () => {
    const sarif = await runCli(['lint', '--format', 'sarif'], { cwd: db, env });
    expect(sarif.code, sarif.stderr).toBe(1);
    expectFromTop(JSON.parse(sarif.stdout).runs[0]);

    const github = await runCli(['lint', '--format', 'github'], { cwd: db, env });
    expect(github.stdout).toMatch(new RegExp(`^::error file=${PREFIX}${BROKEN}_add_flag\\.sql,line=\\d+,col=\\d+.*title=pgwarden down-reverses-up::`, 'm'));
    expect(github.stdout).not.toMatch(/file=migrations\//);

    const json = JSON.parse((await runCli(['lint', '--format', 'json'], { cwd: db, env })).stdout);
    expect(json.findings.map((f: { file: string }) => f.file)).toContain(`migrations/${BROKEN}_add_flag.sql`);
    const text = await runCli(['lint'], { cwd: db, env });
    expect(text.stdout).toMatch(new RegExp(`^migrations/${BROKEN}_add_flag\\.sql:\\d+:\\d+ +error +down-reverses-up`, 'm'));
  });

  it('check --staged: github annotations name packages/db/migrations/...', async () => {
    git(top, 'add', '.');
    const r = await runCli(['check', '--staged', '--format', 'github'], { cwd: db, env });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^::error file=${PREFIX}${BROKEN}_add_flag\\.sql,line=\\d+.*title=pgwarden down-reverses-up::`, 'm'));
  });

  it('verify: sarif names packages/db/migrations/...', async () => {
    const r = await runCli(['verify', '--url', adminUrl(), '--format', 'sarif'], { cwd: db, env });
    expect(r.code, r.stderr).toBe(1);
    const run = JSON.parse(r.stdout).runs[0] as SarifRun;
    expectFromTop(run);
    expect(uris(run)).toContain(`${PREFIX}${BROKEN}_add_flag.sql`);
  });

  it('check: the report directory SARIF (lint and verify runs), the annotations and the Markdown job summary name packages/db/...', async () => {
    const summary = join(top, 'step-summary.md');
    writeFileSync(summary, '');
    const r = await runCli(['check', '--skip', 'roles', '--report-dir', 'pgwarden-report', '--github'], { cwd: db, env: { ...env, DATABASE_URL: adminUrl(), GITHUB_STEP_SUMMARY: summary } });
    expect(r.code, r.stderr).toBe(1);
    // The job summary ($GITHUB_STEP_SUMMARY) and the report directory's copy: lint, verify and docs name files from the top.
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).toBe(readFileSync(join(db, 'pgwarden-report', 'pgwarden-summary.md'), 'utf8'));
    expect(markdown).toMatch(new RegExp(`^- \\*\\*error\\*\\* \`down-reverses-up\` ${PREFIX}${BROKEN}_add_flag\\.sql:\\d+:\\d+: `, 'm'));
    expect(markdown).toMatch(new RegExp(`^- \\*\\*error\\*\\* \`down-restores-schema\` ${PREFIX}${BROKEN}_add_flag\\.sql:\\d+: `, 'm'));
    expect(markdown).toContain('Stale: `packages/db/schema/snapshot.json` (missing), `packages/db/schema/README.md` (missing), `packages/db/schema/schema.sql` (missing).');
    expect(markdown).not.toMatch(/[ `]migrations\/\d{14}/);
    const sarif = JSON.parse(readFileSync(join(db, 'pgwarden-report', 'pgwarden-results.sarif'), 'utf8'));
    expect(sarif.runs.map((run: SarifRun) => run.automationDetails?.id)).toEqual(['pgwarden/lint/', 'pgwarden/verify/']);
    for (const run of sarif.runs as SarifRun[]) expectFromTop(run);
    expect(r.stdout).toMatch(new RegExp(`^::error file=${PREFIX}${BROKEN}_add_flag\\.sql,line=\\d+,title=pgwarden verify down-restores-schema::`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^::error file=${PREFIX}${BROKEN}_add_flag\\.sql,line=\\d+,col=\\d+.*title=pgwarden down-reverses-up::`, 'm'));
    // The JSON report keeps the project's paths.
    const json = JSON.parse(readFileSync(join(db, 'pgwarden-report', 'pgwarden-check.json'), 'utf8'));
    expect(json.verify.findings.map((f: { file: string }) => f.file)).toContain(`migrations/${BROKEN}_add_flag.sql`);
  });

  it('in a linked worktree (.git is a file), from the top of that worktree', async () => {
    git(top, 'commit', '-qm', 'db', '--no-verify');
    const linked = join(mkdtempSync(join(tmpdir(), 'pgwarden-monorepo-wt-')), 'wt');
    try {
      git(top, 'worktree', 'add', '-q', '-b', 'side', linked);
      const r = await runCli(['lint', '--format', 'github'], { cwd: join(linked, 'packages', 'db'), env });
      expect(r.stdout).toMatch(new RegExp(`^::error file=${PREFIX}${BROKEN}_add_flag\\.sql,line=\\d+`, 'm'));
    } finally {
      git(top, 'worktree', 'remove', '--force', linked);
      rmSync(join(linked, '..'), { recursive: true, force: true });
    }
  });
});

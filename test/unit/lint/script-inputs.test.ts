import fs, { mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { lintHistory } from '../../../src/lint/engine.js';
import { inputsUnchanged, ReadRecorder, type ScriptInput } from '../../../src/lint/script-inputs.js';
import { tempProject, type TempProject } from '../../support/project.js';
import { migrationText } from './history-support.js';

let project: TempProject | undefined;
let folder: string | undefined;
afterEach(() => {
  project?.cleanup();
  project = undefined;
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
});

/** Writes a file under the project root, creating its folder. */
function write(p: TempProject, name: string, text: string): string {
  const path = join(p.root, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const A = migrationText({ revision: '20260101000000', description: 'Create a', up: 'CREATE TABLE a (id bigint PRIMARY KEY);', down: 'DROP TABLE a;' });
/** A column added to a: NOT NULL without a default is an adding-required-field finding, nullable is none. */
const column = (name: string, notNull: boolean) => `ALTER TABLE a ADD COLUMN ${name} text${notNull ? ' NOT NULL' : ''};\n`;

/** `file rule` for each finding, the file without its folder. */
async function lint(p: TempProject, options: { cache?: boolean; paths?: string[] } = {}) {
  const report = await lintHistory(p.config, { cwd: p.root, ...options });
  return { cached: report.cached, findings: report.findings.map((f) => `${f.file.replace(/^migrations\//, '')} ${f.rule}`) };
}

describe('ReadRecorder', () => {
  it('records what the fs functions read, list and look up while started, not under node_modules or an ignored folder, and puts fs back', async () => {
    folder = mkdtempSync(join(tmpdir(), 'pgwarden-reads-'));
    const at = (name: string) => join(folder!, name);
    writeFileSync(at('a.sql'), 'SELECT 1;\n');
    writeFileSync(at('b.sql'), 'SELECT 2;\n');
    writeFileSync(at('c.sql'), 'SELECT 3;\n');
    mkdirSync(at('node_modules/pkg'), { recursive: true });
    writeFileSync(at('node_modules/pkg/index.js'), '');
    mkdirSync(at('cache'));
    writeFileSync(at('cache/x.mjs'), '');
    mkdirSync(at('sql'));
    writeFileSync(at('sql/one.sql'), '');
    const originals = { readFileSync: fs.readFileSync, existsSync: fs.existsSync, readFile: fs.promises.readFile };
    const recorder = new ReadRecorder([at('cache')]);
    recorder.start();
    try {
      expect(fs.readFileSync).not.toBe(originals.readFileSync);
      fs.readFileSync(at('a.sql'), 'utf8');
      fs.readFileSync(pathToFileURL(at('b.sql')));
      await fs.promises.readFile(at('c.sql'), 'utf8');
      await new Promise((done) => fs.readFile(at('a.sql'), done));
      expect(fs.existsSync(at('optional.sql'))).toBe(false);
      expect(fs.statSync(at('maybe.js'), { throwIfNoEntry: false })).toBeUndefined();
      expect(() => fs.readFileSync(at('gone.sql'))).toThrow();
      fs.statSync(at('sql'));
      fs.readdirSync(at('sql'));
      fs.readFileSync(at('node_modules/pkg/index.js'));
      fs.readFileSync(at('cache/x.mjs'));
    } finally {
      recorder.stop();
    }
    expect({ readFileSync: fs.readFileSync, existsSync: fs.existsSync, readFile: fs.promises.readFile }).toEqual(originals);
    fs.readFileSync(at('c.sql'));
    const reads = recorder.take();
    expect([...reads.keys()].map((p) => p.slice(folder!.length + 1)).sort()).toEqual(['a.sql', 'b.sql', 'c.sql', 'gone.sql', 'maybe.js', 'optional.sql', 'sql']);
    expect(reads.get(at('a.sql'))).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect([reads.get(at('optional.sql')), reads.get(at('maybe.js')), reads.get(at('gone.sql'))]).toEqual(['missing', 'missing', 'missing']);
    // A folder looked up, then listed: its listing is what counts.
    expect(reads.get(at('sql'))).toMatch(/^list:/);
    expect(recorder.take().size).toBe(0);
  });

  it('judges recorded files against what they hold now: content, listing, existence', () => {
    folder = mkdtempSync(join(tmpdir(), 'pgwarden-reads-'));
    const at = (name: string) => join(folder!, name);
    writeFileSync(at('a.sql'), 'SELECT 1;\n');
    mkdirSync(at('sql'));
    const recorder = new ReadRecorder();
    recorder.start();
    try {
      fs.readFileSync(at('a.sql'));
      fs.existsSync(at('optional.sql'));
      fs.readdirSync(at('sql'));
    } finally {
      recorder.stop();
    }
    const inputs: ScriptInput[] = [...recorder.take()].map(([path, state]) => [path.slice(folder!.length + 1), state, 'm.js']);
    expect(inputsUnchanged(folder, inputs)).toBe(true);
    writeFileSync(at('a.sql'), 'SELECT 2;\n');
    expect(inputsUnchanged(folder, inputs)).toBe(false);
    writeFileSync(at('a.sql'), 'SELECT 1;\n');
    expect(inputsUnchanged(folder, inputs)).toBe(true);
    writeFileSync(at('sql/new.sql'), '');
    expect(inputsUnchanged(folder, inputs)).toBe(false);
    unlinkSync(at('sql/new.sql'));
    writeFileSync(at('optional.sql'), '');
    expect(inputsUnchanged(folder, inputs)).toBe(false);
    unlinkSync(at('optional.sql'));
    unlinkSync(at('a.sql'));
    expect(inputsUnchanged(folder, inputs)).toBe(false);
  });
});

describe('lintHistory: the files JS/TS migrations read are inputs of the cache', () => {
  it('sees an edit to a SQL file a migration reads itself (fs.readFileSync beside __dirname, new URL(..., import.meta.url), fs.promises, existsSync), with the cache on', async () => {
    project = tempProject();
    project.write('20260101000000_a.sql', A);
    project.write(
      '20260102000000_b.js',
      "//! Revises: 20260101000000\n//! Description: Add a column to a\nconst fs = require('node:fs');\nconst path = require('node:path');\nconst extra = path.join(__dirname, 'sql', 'b-extra.sql');\nexports.up = (pgm) => pgm.sql(fs.readFileSync(path.join(__dirname, 'sql', 'b.sql'), 'utf8') + (fs.existsSync(extra) ? fs.readFileSync(extra, 'utf8') : ''));\nexports.down = (pgm) => pgm.sql('ALTER TABLE a DROP COLUMN b;' + (fs.existsSync(extra) ? ' ALTER TABLE a DROP COLUMN e;' : ''));\n",
    );
    project.write(
      '20260103000000_c.mjs',
      "//! Revises: 20260102000000\n//! Description: Add a column to a\nimport { readFileSync } from 'node:fs';\nconst sql = readFileSync(new URL('./sql/c.sql', import.meta.url), 'utf8');\nexport const up = (pgm) => pgm.sql(sql);\nexport const down = (pgm) => pgm.sql('ALTER TABLE a DROP COLUMN c;');\n",
    );
    project.write(
      '20260104000000_d.ts',
      "//! Revises: 20260103000000\n//! Description: Add a column to a\nimport { readFile } from 'node:fs/promises';\nimport { join } from 'node:path';\nexport async function up(pgm: { sql(sql: string): void }): Promise<void> {\n  pgm.sql(await readFile(join(__dirname, 'sql', 'd.sql'), 'utf8'));\n}\nexport async function down(pgm: { sql(sql: string): void }): Promise<void> {\n  pgm.sql('ALTER TABLE a DROP COLUMN d;');\n}\n",
    );
    write(project, 'migrations/sql/b.sql', column('b', true));
    write(project, 'migrations/sql/c.sql', column('c', false));
    write(project, 'migrations/sql/d.sql', column('d', false));
    expect(await lint(project)).toEqual({ cached: false, findings: ['20260102000000_b.js adding-required-field'] });
    expect(await lint(project)).toEqual({ cached: true, findings: ['20260102000000_b.js adding-required-field'] });
    write(project, 'migrations/sql/b.sql', column('b', false));
    write(project, 'migrations/sql/c.sql', column('c', true));
    expect(await lint(project)).toEqual({ cached: false, findings: ['20260103000000_c.mjs adding-required-field'] });
    write(project, 'migrations/sql/d.sql', column('d', true));
    expect(await lint(project)).toEqual({ cached: false, findings: ['20260103000000_c.mjs adding-required-field', '20260104000000_d.ts adding-required-field'] });
    // A file the script looked for and did not find, created.
    write(project, 'migrations/sql/b-extra.sql', column('e', true));
    expect(await lint(project)).toEqual({ cached: false, findings: ['20260102000000_b.js adding-required-field', '20260103000000_c.mjs adding-required-field', '20260104000000_d.ts adding-required-field'] });
    // A file it read, gone.
    unlinkSync(join(project.migrationsDir, 'sql/d.sql'));
    const gone = await lint(project);
    expect(gone).toEqual({ cached: false, findings: ['20260102000000_b.js adding-required-field', '20260103000000_c.mjs adding-required-field', '20260104000000_d.ts syntax-error'] });
    expect(await lint(project)).toEqual({ ...gone, cached: true });
  });

  it('caches a history whose migration computes what it imports, and sees an edit to the module it loaded', async () => {
    project = tempProject();
    project.write('20260101000000_a.sql', A);
    project.write('20260102000000_b.js', "//! Revises: 20260101000000\n//! Description: Add a column to a\nconst name = ['.', 'lib', 'columns'].join('/');\nconst { notNull } = require(name);\nexports.up = (pgm) => pgm.addColumn('a', { b: { type: 'text', notNull } });\nexports.down = (pgm) => pgm.dropColumn('a', 'b');\n");
    write(project, 'migrations/lib/columns.js', 'exports.notNull = true;\n');
    expect(await lint(project)).toEqual({ cached: false, findings: ['20260102000000_b.js adding-required-field'] });
    expect(await lint(project)).toEqual({ cached: true, findings: ['20260102000000_b.js adding-required-field'] });
    write(project, 'migrations/lib/columns.js', 'exports.notNull = false;\n');
    expect(await lint(project)).toEqual({ cached: false, findings: [] });
    expect(await lint(project)).toEqual({ cached: true, findings: [] });
  });

  it('loads the scripts and their modules afresh in each run: a second lintHistory in the same process sees an edited helper (CommonJS, ES module, and one a TS migration imports)', async () => {
    project = tempProject();
    project.write('20260101000000_a.sql', A);
    project.write('20260102000000_b.js', "//! Revises: 20260101000000\n//! Description: Add a column to a\nconst { notNull } = require('./lib/b.js');\nexports.up = (pgm) => pgm.addColumn('a', { b: { type: 'text', notNull } });\nexports.down = (pgm) => pgm.dropColumn('a', 'b');\n");
    project.write('20260103000000_c.mjs', "//! Revises: 20260102000000\n//! Description: Add a column to a\nimport { notNull } from './lib/c.mjs';\nexport const up = (pgm) => pgm.addColumn('a', { c: { type: 'text', notNull } });\nexport const down = (pgm) => pgm.dropColumn('a', 'c');\n");
    project.write('20260104000000_d.ts', "//! Revises: 20260103000000\n//! Description: Add a column to a\nimport { notNull } from './lib/d.js';\nexport const up = (pgm: any) => pgm.addColumn('a', { d: { type: 'text', notNull } });\nexport const down = (pgm: any) => pgm.dropColumn('a', 'd');\n");
    const helpers = (notNull: boolean) => {
      write(project!, 'migrations/lib/b.js', `exports.notNull = ${notNull};\n`);
      write(project!, 'migrations/lib/c.mjs', `export const notNull = ${notNull};\n`);
      write(project!, 'migrations/lib/d.js', `exports.notNull = ${notNull};\n`);
    };
    const all = ['20260102000000_b.js adding-required-field', '20260103000000_c.mjs adding-required-field', '20260104000000_d.ts adding-required-field'];
    helpers(true);
    expect(await lint(project, { cache: false })).toEqual({ cached: false, findings: all });
    helpers(false);
    expect(await lint(project, { cache: false })).toEqual({ cached: false, findings: [] });
    // With the cache: the edit makes the stored result stale, and the run that replaces it loads the helpers as they are.
    expect(await lint(project)).toEqual({ cached: false, findings: [] });
    helpers(true);
    expect(await lint(project)).toEqual({ cached: false, findings: all });
    // The migration itself, edited.
    project.write('20260102000000_b.js', "//! Revises: 20260101000000\n//! Description: Add a column to a\nexports.up = (pgm) => pgm.addColumn('a', { b: { type: 'text' } });\nexports.down = (pgm) => pgm.dropColumn('a', 'b');\n");
    expect(await lint(project, { cache: false })).toEqual({ cached: false, findings: all.slice(1) });
  });

  it("follows package.json #imports as Node and jiti resolve them, and counts package.json among the inputs", async () => {
    project = tempProject();
    const pkg = (lib: string) => writeFileSync(join(project!.root, 'package.json'), `${JSON.stringify({ name: 'app', imports: { '#lib/*': `./${lib}/*` } })}\n`);
    pkg('lib');
    project.write('20260101000000_a.sql', A);
    project.write('20260102000000_b.js', "//! Revises: 20260101000000\n//! Description: Add a column to a\nconst { notNull } = require('#lib/columns.js');\nexports.up = (pgm) => pgm.addColumn('a', { b: { type: 'text', notNull } });\nexports.down = (pgm) => pgm.dropColumn('a', 'b');\n");
    project.write('20260103000000_c.ts', "//! Revises: 20260102000000\n//! Description: Add a column to a\nimport { notNull } from '#lib/typed';\nexport const up = (pgm: any) => pgm.addColumn('a', { c: { type: 'text', notNull } });\nexport const down = (pgm: any) => pgm.dropColumn('a', 'c');\n");
    write(project, 'lib/columns.js', 'exports.notNull = true;\n');
    write(project, 'lib/typed.ts', 'export const notNull: boolean = true;\n');
    write(project, 'other/columns.js', 'exports.notNull = false;\n');
    write(project, 'other/typed.ts', 'export const notNull: boolean = false;\n');
    const both = ['20260102000000_b.js adding-required-field', '20260103000000_c.ts adding-required-field'];
    expect(await lint(project)).toEqual({ cached: false, findings: both });
    expect(await lint(project)).toEqual({ cached: true, findings: both });
    write(project, 'lib/typed.ts', 'export const notNull: boolean = false;\n');
    expect(await lint(project)).toEqual({ cached: false, findings: both.slice(0, 1) });
    write(project, 'lib/columns.js', 'exports.notNull = false;\n');
    expect(await lint(project)).toEqual({ cached: false, findings: [] });
    // The map itself, pointed elsewhere and back.
    write(project, 'lib/columns.js', 'exports.notNull = true;\n');
    expect(await lint(project)).toEqual({ cached: false, findings: both.slice(0, 1) });
    pkg('other');
    expect(await lint(project)).toEqual({ cached: false, findings: [] });
  });

  it('follows a tsconfig paths alias only when jiti is told to (JITI_TSCONFIG_PATHS), as the runner, which loads with the same jiti, does', async () => {
    project = tempProject();
    write(project, 'tsconfig.json', `${JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['lib/*'] } } })}\n`);
    project.write('20260101000000_a.sql', A);
    project.write('20260102000000_b.ts', "//! Revises: 20260101000000\n//! Description: Add a column to a\nimport { notNull } from '@lib/columns';\nexport const up = (pgm: any) => pgm.addColumn('a', { b: { type: 'text', notNull } });\nexport const down = (pgm: any) => pgm.dropColumn('a', 'b');\n");
    write(project, 'lib/columns.ts', 'export const notNull: boolean = true;\n');
    write(project, 'other/columns.ts', 'export const notNull: boolean = false;\n');
    // node-pg-migrate's shared loader, which pgwarden up uses, does not follow tsconfig paths: lint says the script cannot load.
    const refused = await lintHistory(project.config, { cwd: project.root });
    expect(refused.findings.filter((f) => f.rule === 'syntax-error').map((f) => f.message)).toEqual([expect.stringMatching(/^up section: 20260102000000_b\.ts could not be loaded: Cannot find module '@lib\/columns'/)]);
    const before = process.env.JITI_TSCONFIG_PATHS;
    process.env.JITI_TSCONFIG_PATHS = 'true';
    try {
      expect(await lint(project)).toEqual({ cached: false, findings: ['20260102000000_b.ts adding-required-field'] });
      expect(await lint(project)).toEqual({ cached: true, findings: ['20260102000000_b.ts adding-required-field'] });
      write(project, 'lib/columns.ts', 'export const notNull: boolean = false;\n');
      expect(await lint(project)).toEqual({ cached: false, findings: [] });
      write(project, 'other/columns.ts', 'export const notNull: boolean = true;\n');
      write(project, 'tsconfig.json', `${JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['other/*'] } } })}\n`);
      expect(await lint(project)).toEqual({ cached: false, findings: ['20260102000000_b.ts adding-required-field'] });
    } finally {
      if (before === undefined) delete process.env.JITI_TSCONFIG_PATHS;
      else process.env.JITI_TSCONFIG_PATHS = before;
    }
  });

  it('reports a script that stops the evaluation (process.exit) on it and the ones after it, and keeps no result of that run', async () => {
    project = tempProject();
    project.write('20260101000000_a.sql', A);
    project.write('20260102000000_b.js', "//! Revises: 20260101000000\n//! Description: Add a column to a\nprocess.exit(3);\n");
    project.write('20260103000000_c.js', "//! Revises: 20260102000000\n//! Description: Add a column to a\nexports.up = (pgm) => pgm.addColumn('a', { c: { type: 'text' } });\nexports.down = (pgm) => pgm.dropColumn('a', 'c');\n");
    const run = async () => {
      const report = await lintHistory(project!.config, { cwd: project!.root });
      return { cached: report.cached, errors: report.findings.filter((f) => f.rule === 'syntax-error').map((f) => `${f.file.replace(/^migrations\//, '')}: ${f.message}`) };
    };
    const expected = {
      cached: false,
      errors: [
        "20260102000000_b.js: up section: lint's evaluation of JS/TS migrations stopped during this one (the worker exited with code 3)",
        "20260103000000_c.js: up section: not evaluated: lint's evaluation of JS/TS migrations stopped during an earlier one (the worker exited with code 3)",
      ],
    };
    expect(await run()).toEqual(expected);
    expect(await run()).toEqual(expected);
  });

  it('starts a run on a named file from the stored model only while the files the scripts before it read are unchanged', async () => {
    project = tempProject();
    project.write('20260101000000_teams.js', "//! Description: Create teams\nconst { readFileSync } = require('node:fs');\nexports.up = (pgm) => pgm.sql(readFileSync(`${__dirname}/sql/teams.sql`, 'utf8'));\nexports.down = (pgm) => pgm.sql('DROP TABLE teams;');\n");
    write(project, 'migrations/sql/teams.sql', 'CREATE TABLE teams (id bigint PRIMARY KEY);\n');
    const members = (comment: string) => migrationText({ revision: '20260102000000', revises: '20260101000000', description: 'Create members', up: `CREATE TABLE members (team_id bigint REFERENCES teams (id));\nCREATE INDEX members_team_idx ON members (team_id);${comment}`, down: 'DROP TABLE members;' });
    const file = project.write('20260102000000_members.sql', members(''));
    const rules = async () => (await lintHistory(project!.config, { cwd: project!.root, paths: [file] })).findings.map((f) => f.rule);
    expect(await rules()).toEqual([]);
    const models = () => readdirSync(join(project!.root, '.pgwarden/cache')).filter((n) => n.startsWith('lint-model-'));
    expect(models()).toHaveLength(1);
    project.write('20260102000000_members.sql', members('\n-- edited'));
    expect(await rules()).toEqual([]);
    write(project, 'migrations/sql/teams.sql', 'CREATE TABLE squads (id bigint PRIMARY KEY);\n');
    project.write('20260102000000_members.sql', members('\n-- edited again'));
    expect(await rules()).toEqual(['fk-target-exists']);
  });
});

/**
 * Where lint reports the statements of node-pg-migrate JS/TS migrations: at the call in the file
 * that produced them. The migrations are real files, loaded as the runner loads them (jiti).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lintSources } from '../../../src/lint/engine.js';
import { formatText } from '../../../src/lint/format/text.js';
import { rules as registry } from '../../../src/lint/registry.js';
import type { Rule } from '../../../src/lint/types.js';

/** Reports every statement, with its section, index and kind, to observe where the engine puts it. */
const probe: Rule = {
  id: 'probe',
  description: 'test probe',
  defaultSeverity: 'warning',
  kind: 'safety',
  statement(statement, _model, ctx) {
    const name = statement.ast.relation?.relname ?? statement.ast.idxname ?? statement.ast.objects?.[0]?.List?.items?.[0]?.String?.sval ?? '';
    ctx.report({ at: statement, message: `${statement.section} ${statement.index} ${statement.kind} ${name}`.trimEnd() });
  },
};

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pgwarden-script-lines-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes files under the temporary root (`migrations/...`) and returns the path of the first. */
function write(files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return Object.keys(files)[0]!;
}

async function lintFile(path: string, text: string, rules: readonly Rule[] = [probe]) {
  return lintSources([{ path, text }], { root, rules });
}

/** `message line:column-endLine:endColumn` of each finding. */
async function placed(path: string, text: string, rules?: readonly Rule[]): Promise<string[]> {
  const report = await lintFile(path, text, rules);
  return report.findings.map((f) => `${f.message} ${f.line}:${f.column}-${f.endLine}:${f.endColumn}`);
}

/** The 1-based column of `needle` on a line of `text`. */
function col(text: string, line: number, needle: string): number {
  const at = text.split('\n')[line - 1]!.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" is not on line ${line}`);
  return at + 1;
}

describe('JS/TS migration statements sit at the call that produced them', () => {
  it('in a CommonJS migration: at the line and column of each pgm call, spanning a call over several lines', async () => {
    const js = [
      '//! Description: Create users with an index on email',
      'exports.up = (pgm) => {',
      "  pgm.createTable('users', {",
      "    id: 'id',",
      '  });',
      "  pgm.addColumn('users', { email: 'text' }); pgm.addColumn('users', { name: 'text' });",
      '',
      "  pgm.createIndex('users', 'email'); // the login looks users up by email",
      '};',
      'exports.down = (pgm) => {',
      "  pgm.dropTable('users');",
      '};',
      '',
    ].join('\n');
    const path = write({ 'migrations/20260101000000_users.js': js });
    const line6 = js.split('\n')[5]!;
    expect(await placed(path, js)).toEqual([
      `up 0 CreateStmt users 3:${col(js, 3, 'createTable')}-5:5`,
      `up 1 AlterTableStmt users 6:${col(js, 6, 'addColumn')}-6:${line6.indexOf(';') + 1}`,
      `up 2 AlterTableStmt users 6:${line6.lastIndexOf('addColumn') + 1}-6:${line6.length}`,
      `up 3 IndexStmt users 8:${col(js, 8, 'createIndex')}-8:${col(js, 8, ';')}`,
      `down 0 DropStmt users 11:${col(js, 11, 'dropTable')}-11:${col(js, 11, ';')}`,
    ]);
  });

  it('in a TypeScript migration: at the source line, after type-only code that compilation removes', async () => {
    const ts = [
      "import type { ColumnDefinitions, MigrationBuilder } from 'node-pg-migrate';",
      "import { audit } from './lib/audit';",
      '',
      '/** The columns every audited table gets. */',
      'interface Audited {',
      '  created_at: ColumnDefinitions[string];',
      '  updated_at: ColumnDefinitions[string];',
      '}',
      'type TableName = string;',
      'declare const generated: TableName;',
      '',
      'export async function up(pgm: MigrationBuilder): Promise<void> {',
      "  const table: TableName = 'users';",
      '  pgm.createTable(table, { id: { type: "bigint", primaryKey: true } });',
      "  const audited: Audited = { created_at: { type: 'timestamptz' }, updated_at: { type: 'timestamptz' } };",
      '  pgm.addColumns(',
      '    table,',
      '    audited as unknown as ColumnDefinitions,',
      '  );',
      '  const indexed: boolean = audit(pgm, table);',
      '}',
      '',
      'export async function down(pgm: MigrationBuilder): Promise<void> {',
      "  pgm.dropTable('users' satisfies TableName);",
      '}',
      '',
    ].join('\n');
    const path = write({
      'migrations/20260101000000_users.ts': ts,
      'migrations/lib/audit.ts': "import type { MigrationBuilder } from 'node-pg-migrate';\nexport function audit(pgm: MigrationBuilder, table: string): boolean {\n  pgm.createIndex(table, 'created_at');\n  return true;\n}\n",
    });
    const line = (n: number) => ts.split('\n')[n - 1]!;
    expect(await placed(path, ts)).toEqual([
      `up 0 CreateStmt users 14:${col(ts, 14, 'createTable')}-14:${line(14).length}`,
      `up 1 AlterTableStmt users 16:${col(ts, 16, 'addColumns')}-19:4`,
      // jiti compiles the call of an imported function to `(0, _audit.audit)(...)`, without the
      // annotation before it: V8's column is not the file's, and the statement starts at the line's first character.
      `up 2 IndexStmt users 20:3-20:${line(20).length}`,
      `down 0 DropStmt users 24:${col(ts, 24, 'dropTable')}-24:${line(24).length}`,
    ]);
  });

  it('in reverse mode (no down function): down statements in reverse order, each at the up call it reverses', async () => {
    const js = [
      'exports.up = (pgm) => {',
      "  pgm.createTable('users', { id: 'id' });",
      "  pgm.addColumn('users', { email: 'text' });",
      "  pgm.renameColumn('users', 'email', 'mail');",
      '};',
      '',
    ].join('\n');
    const path = write({ 'migrations/20260101000000_users.js': js });
    const at = (line: number, method: string) => `${line}:${col(js, line, method)}`;
    // Findings are sorted by line: the down statements' indexes give their order.
    const down = (await placed(path, js)).filter((p) => p.startsWith('down')).sort();
    expect(down.map((p) => p.replace(/-\d+:\d+$/, ''))).toEqual([
      `down 0 RenameStmt users ${at(4, 'renameColumn')}`,
      `down 1 AlterTableStmt users ${at(3, 'addColumn')}`,
      `down 2 DropStmt users ${at(2, 'createTable')}`,
    ]);
  });

  it('for a call made by a helper: at the line of the migration that led to it (the outermost frame in the file), and on line 1 when no frame is in the file', async () => {
    const js = [
      "const { addAudit, addAuditLater, detached } = require('./lib/audit');",
      '',
      'function auditBoth(pgm) {',
      "  addAudit(pgm, 'c');",
      '}',
      '',
      'exports.up = async (pgm) => {',
      "  pgm.createTable('a', { id: 'id' });",
      "  addAudit(pgm, 'a');",
      "  await addAuditLater(pgm, 'b');",
      '  auditBoth(pgm);',
      '  await detached(pgm);',
      '};',
      "exports.down = (pgm) => pgm.dropTable('a');",
      '',
    ].join('\n');
    const path = write({
      'migrations/20260101000000_audit.js': js,
      'migrations/lib/audit.js': [
        'exports.addAudit = (pgm, table) => {',
        "  pgm.addColumn(table, { created_at: 'timestamptz' });",
        "  pgm.createIndex(table, 'created_at');",
        '};',
        'exports.addAuditLater = async (pgm, table) => {',
        '  await Promise.resolve();',
        '  exports.addAudit(pgm, table);',
        '};',
        "exports.detached = (pgm) => new Promise((resolve) => setImmediate(() => { pgm.sql('SELECT 1'); resolve(); }));",
        '',
      ].join('\n'),
    });
    const at = (line: number, call: string) => `${line}:${col(js, line, call)}`;
    expect((await placed(path, js)).map((p) => p.replace(/-\d+:\d+$/, ''))).toEqual([
      'up 7 SelectStmt 1:1',
      `up 0 CreateStmt a ${at(8, 'createTable')}`,
      `up 1 AlterTableStmt a ${at(9, 'addAudit')}`,
      `up 2 IndexStmt a ${at(9, 'addAudit')}`,
      // Resumed after an await: V8 places the frame of the awaiting function at its await.
      `up 3 AlterTableStmt b ${at(10, 'await')}`,
      `up 4 IndexStmt b ${at(10, 'await')}`,
      `up 5 AlterTableStmt c ${at(11, 'auditBoth')}`,
      `up 6 IndexStmt c ${at(11, 'auditBoth')}`,
      `down 0 DropStmt a ${at(14, 'dropTable')}`,
    ]);
  });

  it('puts every statement of a pgm.sql call at that call, and a syntax error of a call at its line', async () => {
    const js = [
      'exports.up = (pgm) => {',
      '  pgm.sql(`',
      '    CREATE TABLE a (id bigint);',
      '    CREATE TABLE b (id bigint);',
      '  `);',
      "  pgm.sql('SELEC 1');",
      '};',
      "exports.down = (pgm) => pgm.sql('DROP TABLE b; DROP TABLE a');",
      '',
    ].join('\n');
    const path = write({ 'migrations/20260101000000_two.js': js });
    const report = await lintFile(path, js, [probe, ...registry.filter((r) => r.id === 'syntax-error')]);
    expect(report.findings.map((f) => `${f.rule} ${f.message} ${f.line}:${f.column}-${f.endLine ?? ''}`)).toEqual([
      `probe up 0 CreateStmt a 2:${col(js, 2, 'sql')}-5`,
      `probe up 1 CreateStmt b 2:${col(js, 2, 'sql')}-5`,
      `syntax-error up section: syntax error at or near "SELEC" 6:${col(js, 6, 'sql')}-`,
      `probe down 0 DropStmt b 8:${col(js, 8, 'sql')}-8`,
      `probe down 1 DropStmt a 8:${col(js, 8, 'sql')}-8`,
    ]);
  });

  it('lints the text it is given at that text\'s lines (the staged version), not the file on disk', async () => {
    const path = write({ 'migrations/20260101000000_users.js': "exports.up = (pgm) => pgm.createTable('old', { id: 'id' });\n" });
    const staged = "\n\nexports.up = (pgm) => {\n  pgm.createTable('users', { id: 'id' });\n};\nexports.down = (pgm) => pgm.dropTable('users');\n";
    expect((await placed(path, staged)).map((p) => p.replace(/-\d+:\d+$/, ''))).toEqual([`up 0 CreateStmt users 4:${col(staged, 4, 'createTable')}`, `down 0 DropStmt users 6:${col(staged, 6, 'dropTable')}`]);
  });

  it('applies a // pgwarden-ignore to the next call, and one written inside a call to that call', async () => {
    const js = [
      'exports.up = (pgm) => {',
      '  // pgwarden-ignore probe the first table is fine',
      "  pgm.createTable('a', { id: 'id' });",
      "  pgm.createTable('b', {",
      '    // pgwarden-ignore probe so is this one',
      "    id: 'id',",
      '  });',
      "  pgm.createTable('c', { id: 'id' });",
      '};',
      'exports.down = false;',
      '',
    ].join('\n');
    const path = write({ 'migrations/20260101000000_three.js': js });
    expect(await placed(path, js, [probe, ...registry.filter((r) => r.id === 'unused-ignore')])).toEqual([`up 2 CreateStmt c 8:${col(js, 8, 'createTable')}-8:${col(js, 8, ';')}`]);
  });

  it('shows the line of the call in the text format, with a marker under the call', async () => {
    const js = ['exports.up = (pgm) => {', "  pgm.createTable('users', { id: 'id' });", "  pgm.createTable('teams', {", "    id: 'id',", '  });', '};', 'exports.down = false;', ''].join('\n');
    const path = write({ 'migrations/20260101000000_users.js': js });
    const report = await lintFile(path, js);
    const text = formatText(report, { source: (file) => (file === path ? js : undefined), color: false, rules: registry, version: '0.0.0' });
    expect(text.split('\n').slice(0, 7)).toEqual([
      `${path}:2:7  warning  probe  up 0 CreateStmt users`,
      "  2 |   pgm.createTable('users', { id: 'id' });",
      `    |       ${'^'.repeat("createTable('users', { id: 'id' })".length)}`,
      '',
      `${path}:3:7  warning  probe  up 1 CreateStmt teams`,
      "  3 |   pgm.createTable('teams', {",
      `    |       ${'^'.repeat("createTable('teams', {".length)}`,
    ]);
  });
});

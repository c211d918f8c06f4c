import { describe, expect, it } from 'vitest';
import type { LintReport } from '../../../src/lint/engine.js';
import { escapeData, escapeProperty, formatGithub } from '../../../src/lint/format/github.js';
import { formatJson } from '../../../src/lint/format/json.js';
import { formatSarif } from '../../../src/lint/format/sarif.js';
import { formatText } from '../../../src/lint/format/text.js';
import type { FormatContext } from '../../../src/lint/format/types.js';
import { rules } from '../../../src/lint/registry.js';

const file = 'migrations/20260101000000_jobs.sql';
const text = '--! Revision: 20260101000000\n-- Up Migration\nCREATE INDEX CONCURRENTLY jobs_status ON jobs (status);\nDROP TABLE old_jobs;\n';
const report: LintReport = {
  findings: [
    {
      rule: 'ban-concurrent-index-creation-in-transaction',
      severity: 'error',
      file,
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 55,
      message: 'CREATE INDEX CONCURRENTLY in a migration that runs in a transaction',
      help: 'Put it in its own migration.',
      fix: { description: 'Add "--! Transaction: none" to the header', replacement: '--! Transaction: none', edit: { startLine: 2, startColumn: 1, endLine: 2, endColumn: 1, text: '--! Transaction: none\n' } },
    },
    { rule: 'require-docstring', severity: 'warning', file, line: 1, column: 1, message: 'no description, 100% vague: really' },
  ],
  counts: { error: 1, warning: 1 },
  files: [file],
  migrations: 12,
  durationMs: 41.6,
  cached: false,
};
const context: FormatContext = { source: (f) => (f === file ? text : undefined), color: false, rules, version: '0.1.0' };

describe('text format', () => {
  it('prints file:line:col, severity, rule and message, the source line with a marker, help, fix and a summary', () => {
    expect(formatText(report, context)).toBe(
      [
        `${file}:3:1  error  ban-concurrent-index-creation-in-transaction  CREATE INDEX CONCURRENTLY in a migration that runs in a transaction`,
        '  3 | CREATE INDEX CONCURRENTLY jobs_status ON jobs (status);',
        '    | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
        '  help: Put it in its own migration.',
        '  fix: Add "--! Transaction: none" to the header',
        '       --! Transaction: none',
        '',
        `${file}:1:1  warning  require-docstring  no description, 100% vague: really`,
        '  1 | --! Revision: 20260101000000',
        '    | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
        '',
        '2 problems (1 error, 1 warning) in 1 file (12 migrations checked in 42 ms).',
        '',
      ].join('\n'),
    );
  });

  it('says so when there is nothing to report, and colours on request', () => {
    expect(formatText({ ...report, findings: [], counts: { error: 0, warning: 0 }, cached: true }, context)).toBe('No problems in 1 file (12 migrations checked in 42 ms (cached)).\n');
    expect(formatText(report, { ...context, color: true })).toContain('\u001b[31merror\u001b[0m');
  });
});

describe('json format', () => {
  it('holds the findings, counts, files and timing', () => {
    const value = JSON.parse(formatJson(report));
    expect(value).toMatchObject({ version: 1, counts: { error: 1, warning: 1 }, files: [file], migrations: 12, durationMs: 42, cached: false });
    expect(value.findings).toEqual(report.findings);
  });
});

describe('sarif format', () => {
  it('is SARIF 2.1.0 with a rule list and one result per finding', () => {
    const log = JSON.parse(formatSarif(report, context));
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'pgwarden', version: '0.1.0' });
    const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ruleIds).toEqual(expect.arrayContaining(['require-docstring', 'ban-concurrent-index-creation-in-transaction', 'down-reverses-up']));
    // A rule's default: its severity, or disabled for one that is off unless configured.
    const descriptor = (id: string) => run.tool.driver.rules.find((r: { id: string }) => r.id === id);
    expect(descriptor('prefer-text-field').defaultConfiguration).toEqual({ level: 'warning' });
    expect(descriptor('ban-concurrent-index-creation-in-transaction').defaultConfiguration).toEqual({ level: 'error' });
    expect(descriptor('require-table-schema').defaultConfiguration).toEqual({ enabled: false, level: 'warning' });
    expect(run.results).toHaveLength(2);
    for (const [i, result] of run.results.entries()) {
      const finding = report.findings[i]!;
      expect(result.ruleId).toBe(finding.rule);
      expect(run.tool.driver.rules[result.ruleIndex].id).toBe(finding.rule);
      expect(result.level).toBe(finding.severity);
      expect(result.message.text).toContain(finding.message);
      expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe(file);
      expect(result.locations[0].physicalLocation.region.startLine).toBe(finding.line);
      expect(result.locations[0].physicalLocation.region.startColumn).toBe(finding.column);
    }
    expect(run.results[0].locations[0].physicalLocation.region).toEqual({ startLine: 3, startColumn: 1, endLine: 3, endColumn: 55 });
    // The fix's own edit (a header line inserted), not the finding's region (the statement).
    expect(run.results[0].fixes[0].artifactChanges[0].replacements).toEqual([{ deletedRegion: { startLine: 2, startColumn: 1, endLine: 2, endColumn: 1 }, insertedContent: { text: '--! Transaction: none\n' } }]);
    expect(run.results[1].fixes).toBeUndefined();
    // A fix that does not say what it replaces gives no SARIF fix.
    const { edit: _, ...noEdit } = report.findings[0]!.fix!;
    const unplaced = JSON.parse(formatSarif({ ...report, findings: [{ ...report.findings[0]!, fix: noEdit }] }, context));
    expect(unplaced.runs[0].results[0].fixes).toBeUndefined();
  });

  it('names files from the top of the git repository, relative to %SRCROOT%, a base that says so without an absolute URI', () => {
    const spaced = { ...report.findings[0]!, file: 'migrations/20260101000000 jobs%.sql' };
    const log = JSON.parse(formatSarif({ ...report, findings: [spaced, report.findings[1]!] }, { ...context, projectPath: 'packages/db' }));
    const run = log.runs[0];
    expect(run.results.map((r: { locations: Array<{ physicalLocation: { artifactLocation: unknown } }> }) => r.locations[0]!.physicalLocation.artifactLocation)).toEqual([
      { uri: 'packages/db/migrations/20260101000000%20jobs%25.sql', uriBaseId: '%SRCROOT%' },
      { uri: `packages/db/${file}`, uriBaseId: '%SRCROOT%' },
    ]);
    expect(run.results[0].fixes[0].artifactChanges[0].artifactLocation).toEqual({ uri: 'packages/db/migrations/20260101000000%20jobs%25.sql', uriBaseId: '%SRCROOT%' });
    // A top-level base has an absolute URI or none (SARIF 2.1.0): none, and a description.
    expect(Object.keys(run.originalUriBaseIds)).toEqual(['%SRCROOT%']);
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBeUndefined();
    expect(run.originalUriBaseIds['%SRCROOT%'].description.text).toMatch(/top of the git repository/);
  });
});

describe('github format', () => {
  it('writes one workflow command per finding, escaped, and a summary', () => {
    const lines = formatGithub(report).trimEnd().split('\n');
    expect(lines).toEqual([
      `::error file=${file},line=3,col=1,endLine=3,endColumn=55,title=pgwarden ban-concurrent-index-creation-in-transaction::CREATE INDEX CONCURRENTLY in a migration that runs in a transaction%0Ahelp: Put it in its own migration.%0Afix: Add "--! Transaction: none" to the header`,
      `::warning file=${file},line=1,col=1,title=pgwarden require-docstring::no description, 100%25 vague: really`,
      'pgwarden lint: 1 error(s), 1 warning(s) in 12 migration(s)',
    ]);
  });

  it('names files from the top of the git repository when the project is in a folder of it', () => {
    const [first, second] = formatGithub(report, { projectPath: 'packages/db' }).split('\n');
    expect(first).toMatch(new RegExp(`^::error file=packages/db/${file},line=3,col=1,`));
    expect(second).toMatch(new RegExp(`^::warning file=packages/db/${file},line=1,col=1,`));
  });

  it('escapes data and properties as the workflow command syntax requires', () => {
    expect(escapeData('50%\r\nnext')).toBe('50%25%0D%0Anext');
    expect(escapeProperty('a:b,c')).toBe('a%3Ab%2Cc');
  });
});

import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { runCheck } from '../../check/check.js';
import { checkJson, formatCheckAnnotations, formatCheckMarkdown, formatCheckSarif, formatCheckTable } from '../../check/report.js';
import { CHECK_STEPS, type CheckReport, type CheckStepName } from '../../check/types.js';
import { PgwardenError } from '../../errors.js';
import { formatText } from '../../lint/format/text.js';
import { projectPathInRepository } from '../../lint/repository-path.js';
import { FORMATS, type FormatName } from '../../lint/format/index.js';
import { formatVerifyText, rolesLeftLines } from '../../verify/format/text.js';
import { VERSION } from '../../version.js';
import { executeStagedCheck } from '../check-staged-run.js';
import { commandContext, setExitCode, type CommandContext, type GlobalArgs } from '../context.js';
import { CHECK_INTERRUPT, withInterrupt } from '../interrupt.js';
import { paint, printJson, type Output } from '../output.js';
import { numberOption, secondsRule } from '../numeric-option.js';

interface CheckArgs extends GlobalArgs {
  staged?: boolean;
  format?: FormatName;
  json?: boolean;
  cache?: boolean;
  reportDir?: string;
  github?: boolean;
  skip?: CheckStepName[];
  rolesEnv?: string;
  applyRoles?: boolean;
  pgVersion?: string;
  waitForDb?: number;
}

/** The options of the CI check that `--staged` (the offline pre-commit check) has no use for. */
const CI_ONLY_OPTIONS = ['report-dir', 'github', 'skip', 'roles-env', 'apply-roles', 'pg-version', 'wait-for-db'] as const;

/** Names of the files `--report-dir` writes. */
export const REPORT_FILES = { sarif: 'pgwarden-results.sarif', summary: 'pgwarden-summary.md', json: 'pgwarden-check.json' } as const;

function details(ctx: CommandContext, report: CheckReport): string {
  const o = ctx.output;
  const out: string[] = [];
  if (report.lint && report.lint.findings.length > 0) {
    const source = (file: string) => {
      try {
        return readFileSync(join(ctx.config.root, file), 'utf8');
      } catch {
        return undefined;
      }
    };
    out.push(paint(o, 'bold', '== lint'), formatText(report.lint, { source, color: o.color, rules: [], version: VERSION }).trimEnd(), '');
  }
  if (report.verify && !report.verify.clean) {
    out.push(paint(o, 'bold', '== verify'), formatVerifyText(report.verify, { error: (s) => paint(o, 'red', s), warning: (s) => paint(o, 'yellow', s), ok: (s) => paint(o, 'green', s), dim: (s) => paint(o, 'dim', s) }).trimEnd(), '');
  } else if (report.verify && report.verify.findings.length > 0) {
    // Warnings only: one line each; pgwarden verify shows the whole lock trace.
    out.push(paint(o, 'bold', '== verify'));
    for (const f of report.verify.findings) out.push(`${f.file}:${f.line}  ${paint(o, 'yellow', 'warning')}  ${paint(o, 'gray', f.ruleId)}  ${f.message}`);
    for (const line of rolesLeftLines(report.verify)) out.push(paint(o, 'yellow', line));
    out.push('');
  } else if (report.verify?.rolesLeft) {
    out.push(paint(o, 'bold', '== verify'), ...rolesLeftLines(report.verify).map((line) => paint(o, 'yellow', line)), '');
  }
  if (report.docs && (report.docs.stale.length > 0 || report.docs.findings.length > 0)) {
    out.push(paint(o, 'bold', '== docs'));
    if (report.docs.stale.length > 0) out.push(`${relative(process.cwd(), ctx.config.schemaDir) || '.'}/ differs from what the migrations produce (${report.docs.stale.join(', ')}): run pgwarden docs and commit the result.`, ...report.docs.diff.slice(0, 60));
    for (const f of report.docs.findings) out.push(`${f.severity === 'error' ? paint(o, 'red', 'error') : paint(o, 'yellow', 'warning')}  ${paint(o, 'gray', f.rule)}  ${f.object}: ${f.message}`);
    out.push('');
  }
  if (report.roles && ((report.roles.replan?.changes.length ?? 0) > 0 || report.roles.plan.warnings.length > 0)) {
    out.push(paint(o, 'bold', '== roles'));
    for (const c of report.roles.replan?.changes ?? []) out.push(`still planned after apply: ${c.sql};  -- ${c.reason}`);
    for (const w of report.roles.plan.warnings) out.push(paint(o, 'yellow', `warning: ${w}`));
    out.push('');
  }
  for (const s of report.steps.filter((x) => x.status === 'error')) out.push(paint(o, 'bold', `== ${s.name}: could not run`), `${paint(o, 'red', `error[${s.error?.code}]`)}: ${s.error?.message ?? s.summary}`, '');
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

function tableFor(output: Output, report: CheckReport): string {
  return formatCheckTable(report, (status, text) => paint(output, status === 'passed' ? 'green' : status === 'skipped' ? 'gray' : 'red', text));
}

/** `pgwarden check`: the whole CI gate, or with --staged the offline pre-commit check. */
export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check',
  describe: 'The CI gate in one command: lint, verify on a throwaway database, docs --check, roles plan; --staged for the offline pre-commit check',
  builder: (y) =>
    y
      .option('staged', { type: 'boolean', describe: 'Pre-commit: lint the staged migrations and check the structure of the staged history (offline, no database)' })
      .option('format', { choices: FORMATS, describe: 'Output: text (default), json, sarif (lint and verify runs in one log), github (workflow annotations and the table)' })
      .option('json', { type: 'boolean', describe: 'Same as --format json' })
      .option('report-dir', { type: 'string', describe: `Also write ${REPORT_FILES.sarif}, ${REPORT_FILES.summary} and ${REPORT_FILES.json} into this folder` })
      .option('github', { type: 'boolean', describe: 'GitHub Actions: print workflow annotations and append the summary to $GITHUB_STEP_SUMMARY' })
      .option('skip', { type: 'string', array: true, choices: CHECK_STEPS, describe: 'Steps to leave out' })
      .option('roles-env', { type: 'string', describe: 'Plan the login roles of this environment too (default: the group roles only)' })
      .option('apply-roles', { type: 'boolean', describe: 'Apply the roles plan on the throwaway server and plan again (default: only on the embedded throwaway cluster)' })
      .option('pg-version', { type: 'string', describe: 'Verify on postgres:<version> with testcontainers (Docker) instead of the embedded server' })
      .option('wait-for-db', numberOption('wait-for-db', secondsRule('how long to wait for the server to accept connections', '60', '0: try once'), { describe: 'Seconds to wait for the server of --url / $DATABASE_URL to accept connections (a CI service still starting)' }))
      .option('cache', { type: 'boolean', default: true, describe: 'Reuse lint results for an unchanged history (--no-cache to re-check everything)' })
      // Not .conflicts('staged', [...]): yargs counts --no-staged (or --staged=false) as given, which
      // refused the CI check with --no-staged, and --no-github or --no-apply-roles with --staged.
      .check((argv) => {
        if (!argv.staged) return true;
        const given = CI_ONLY_OPTIONS.filter((name) => {
          const value: unknown = argv[name];
          return value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0);
        });
        if (given.length > 0) {
          const flags = given.map((name) => `--${name}`).join(', ');
          throw new PgwardenError('USAGE', `--staged runs the offline pre-commit check, which has no use for ${flags} (the CI check's options): drop ${given.length > 1 ? 'them' : 'it'}, or drop --staged to run the CI check.`);
        }
        return true;
      })
      .example('pgwarden check', 'Everything CI checks, on an embedded throwaway Postgres (verify warnings are listed; only errors fail, as verify --warnings-ok)')
      .example('DATABASE_URL=postgresql://ci@localhost/postgres pgwarden check', 'On a server of yours (a throwaway database is created and dropped)')
      .example('pgwarden check --report-dir pgwarden-report --github', 'In GitHub Actions: SARIF, Markdown summary, annotations')
      .example('pgwarden check --staged', 'Pre-commit hook') as never,
  handler: async (args) => {
    const ctx = commandContext(args);
    if (args.staged) {
      setExitCode(await executeStagedCheck(ctx.config, ctx.output, { format: args.format, json: args.json, cache: args.cache, cwd: args.cwd ?? process.cwd() }));
      return;
    }
    const format: FormatName = args.format ?? (args.json ? 'json' : 'text');
    const showProgress = format === 'text' || format === 'github';
    // Ctrl-C or SIGTERM stops the running step, which undoes its work on the server; the throwaway
    // databases go, nothing is reported, and the exit is 130 or 143.
    const report = await withInterrupt(
      ctx.output,
      (signal) =>
        runCheck(ctx.config, {
          target: { ...ctx.target, pgVersion: args.pgVersion },
          rolesEnvironment: args.rolesEnv,
          applyRoles: args.applyRoles === undefined ? 'auto' : args.applyRoles ? 'always' : 'never',
          skip: args.skip ?? [],
          cache: args.cache,
          waitForDb: args.waitForDb,
          signal,
          onStep: (e) => {
            if (!showProgress) return;
            if (e.phase === 'start') ctx.output.err(`${e.step} ...\n`);
            else if (e.result) ctx.output.err(`${e.step}: ${e.result.status} (${e.result.durationMs} ms) ${e.result.summary}\n`);
          },
        }),
      CHECK_INTERRUPT,
    );
    const { rules } = await import('../../lint/registry.js');
    // SARIF, annotations and the Markdown summary name files from the top of the git repository, where GitHub looks for them.
    const repository = { projectPath: await projectPathInRepository(ctx.config.root) };
    const schemaFolder = relative(ctx.config.root, ctx.config.schemaDir) || '.';
    if (args.reportDir) {
      const dir = resolve(args.cwd ?? process.cwd(), args.reportDir);
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, REPORT_FILES.sarif), formatCheckSarif(report, rules, repository));
        writeFileSync(join(dir, REPORT_FILES.summary), formatCheckMarkdown(report, schemaFolder, repository));
        writeFileSync(join(dir, REPORT_FILES.json), `${JSON.stringify(checkJson(report), null, 2)}\n`);
      } catch (cause) {
        throw new PgwardenError('USAGE', `Cannot write the reports into ${dir}: ${(cause as Error).message}`, { cause });
      }
    }
    if (args.github) {
      ctx.output.out(formatCheckAnnotations(report, schemaFolder, repository));
      const summaryFile = process.env.GITHUB_STEP_SUMMARY;
      if (summaryFile) appendFileSync(summaryFile, formatCheckMarkdown(report, schemaFolder, repository));
    }
    if (format === 'json') printJson(ctx.output, checkJson(report));
    else if (format === 'sarif') ctx.output.out(formatCheckSarif(report, rules, repository));
    else if (format === 'github') {
      if (!args.github) ctx.output.out(formatCheckAnnotations(report, schemaFolder, repository));
      ctx.output.out(tableFor(ctx.output, report));
    } else ctx.output.out(`${details(ctx, report)}${tableFor(ctx.output, report)}`);
    setExitCode(report.exitCode);
  },
};

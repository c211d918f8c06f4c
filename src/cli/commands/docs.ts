import { relative } from 'node:path';
import type { CommandModule } from 'yargs';
import { checkDocs, type DocsCheck } from '../../docs/check.js';
import { formatCoverage } from '../../docs/coverage.js';
import { generateDocs } from '../../docs/generate.js';
import type { DocsResult, SchemaFinding } from '../../docs/types.js';
import { writeDocs } from '../../docs/write.js';
import { ExitCode } from '../../exit-codes.js';
import { commandContext, setExitCode, type GlobalArgs } from '../context.js';
import { statementInterrupt, statusCommand, withInterrupt } from '../interrupt.js';
import { paint, printJson, type Output } from '../output.js';

interface DocsArgs extends GlobalArgs {
  check?: boolean;
  json?: boolean;
  pgVersion?: string;
}

/** How many diff lines `docs --check` shows before it cuts the diff short. */
const DIFF_LINES = 40;

export const docsCommand: CommandModule<object, DocsArgs> = {
  command: 'docs',
  describe: 'Generate schema/ (snapshot.json, README.md, schema.sql) from the migrations; --check fails when it is stale',
  builder: (y) =>
    y
      .option('check', { type: 'boolean', describe: 'Write nothing; exit 1 with a diff when schema/ differs from what the migrations produce' })
      .option('json', { type: 'boolean', describe: 'Machine-readable output' })
      .option('pg-version', { type: 'string', describe: 'Build the schema on postgres:<version> with testcontainers (default: an embedded server, or the server of --url/--env)' }) as never,
  handler: async (args) => {
    const ctx = commandContext(args);
    const result = await withInterrupt(ctx.output, (signal) => generateDocs(ctx.config, { env: args.env, url: args.url, pgVersion: args.pgVersion, signal }), statementInterrupt('the schema build', statusCommand(ctx.target)));
    const shown = (path: string) => relative(ctx.config.root, path) || path;
    const schemaDir = `${shown(ctx.config.schemaDir)}/`;
    const failed = result.findings.some((f) => f.severity === 'error');
    if (args.check) {
      const check = await checkDocs(ctx.config, result, shown);
      if (args.json) printJson(ctx.output, { current: check.current, nothingToDocument: check.nothingToDocument, files: check.files.map((f) => ({ file: shown(f.path), state: f.state })), differences: check.differences, versionOnly: check.versionOnly, ...summary(result) });
      else ctx.output.out(renderCheck(ctx.output, check, result, schemaDir, shown));
      setExitCode(!check.current || failed ? ExitCode.Findings : ExitCode.Ok);
      return;
    }
    const written = writeDocs(result);
    if (args.json) {
      printJson(ctx.output, { written: written.written.map((f) => shown(f.path)), unchanged: written.unchanged.map((f) => shown(f.path)), ...summary(result) });
    } else {
      const lines: string[] = [];
      const counts = `${result.migrations} migration${result.migrations === 1 ? '' : 's'}, ${Object.keys(result.snapshot.tables).length} tables`;
      if (written.written.length === 0) lines.push(`${schemaDir} is up to date (${counts}).`);
      else lines.push(`Wrote ${written.written.map((f) => shown(f.path)).join(', ')}${written.unchanged.length ? `; ${written.unchanged.map((f) => shown(f.path)).join(', ')} unchanged` : ''} (${counts}).`);
      lines.push(...findingLines(ctx.output, result));
      ctx.output.out(`${lines.join('\n')}\n`);
    }
    setExitCode(failed ? ExitCode.Findings : ExitCode.Ok);
  },
};

function summary(result: DocsResult) {
  return { migrations: result.migrations, head: result.head ?? null, coverage: { ...result.coverage, text: formatCoverage(result.coverage) }, findings: result.findings };
}

/** The coverage line, then every schema finding like a lint finding (rule id, object, message, help). */
function findingLines(output: Output, result: DocsResult): string[] {
  const lines = [`Coverage: ${formatCoverage(result.coverage)}.`];
  for (const f of result.findings) lines.push(...findingText(output, f));
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  if (result.findings.length > 0) lines.push(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} (configure the rules under docs: in pgwarden.config.yaml).`);
  return lines;
}

function findingText(output: Output, f: SchemaFinding): string[] {
  const severity = paint(output, f.severity === 'error' ? 'red' : 'yellow', `${f.severity}[${f.rule}]`);
  return [`${severity} ${f.object}: ${f.message}`, paint(output, 'gray', `  help: ${f.help}`)];
}

function renderCheck(output: Output, check: DocsCheck, result: DocsResult, schemaDir: string, shown: (path: string) => string): string {
  const lines: string[] = [];
  if (check.nothingToDocument) {
    lines.push(paint(output, 'green', `${schemaDir} has nothing to document yet: there are no migrations. pgwarden docs writes ${check.files.map((f) => f.name).join(', ')} once there is one.`));
  } else if (check.current) {
    lines.push(paint(output, 'green', `${schemaDir} is current: ${check.files.map((f) => f.name).join(', ')} match the ${result.migrations} migration${result.migrations === 1 ? '' : 's'}${result.head ? ` (head ${result.head})` : ''}.`));
    if (check.versionOnly.length > 0) {
      lines.push(`The committed snapshot was generated on another major version of Postgres; differences only that explains were set aside:`);
      for (const sentence of check.versionOnly) lines.push(paint(output, 'gray', `  - ${sentence}`));
    }
  } else {
    const stale = check.files.filter((f) => f.state === 'stale').map((f) => shown(f.path));
    const missing = check.files.filter((f) => f.state === 'missing').map((f) => shown(f.path));
    const what = [stale.length ? `${stale.join(', ')} differ${stale.length === 1 ? 's' : ''} from what the migrations produce` : '', missing.length ? `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing` : ''].filter(Boolean).join('; ');
    lines.push(paint(output, 'red', `${schemaDir} is stale: ${what}.`));
    if (check.differences.length > 0) {
      lines.push(`The committed snapshot differs from the migrations' schema in ${check.differences.length} place${check.differences.length === 1 ? '' : 's'}:`);
      for (const sentence of check.differences.slice(0, DIFF_LINES)) lines.push(`  - ${sentence}`);
      if (check.differences.length > DIFF_LINES) lines.push(`  ... and ${check.differences.length - DIFF_LINES} more`);
    }
    if (check.versionOnly.length > 0) {
      lines.push('It was generated on another major version of Postgres; the diff also shows what only that explains (not a difference):');
      for (const sentence of check.versionOnly) lines.push(paint(output, 'gray', `  - ${sentence}`));
    }
    const diff = check.files.flatMap((f) => f.diff);
    for (const line of diff.slice(0, DIFF_LINES)) lines.push(colourDiffLine(output, line));
    if (diff.length > DIFF_LINES) lines.push(paint(output, 'gray', `... ${diff.length - DIFF_LINES} more diff lines`));
    lines.push(`Run \`pgwarden docs\` to regenerate ${schemaDir}, and commit the result.`);
  }
  lines.push(...findingLines(output, result));
  return `${lines.join('\n')}\n`;
}

function colourDiffLine(output: Output, line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return paint(output, 'bold', line);
  if (line.startsWith('@@')) return paint(output, 'cyan', line);
  if (line.startsWith('+')) return paint(output, 'green', line);
  if (line.startsWith('-')) return paint(output, 'red', line);
  return line;
}

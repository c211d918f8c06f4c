import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PgwardenConfig } from '../config/types.js';
import { ExitCode } from '../exit-codes.js';
import type { FormatName } from '../lint/format/index.js';
import { VERSION } from '../version.js';
import type { Output } from './output.js';

/** The options of `pgwarden lint`, shared by the yargs command and the fast path. */
export interface LintCommandOptions {
  paths?: string[] | undefined;
  staged?: boolean | undefined;
  format?: FormatName | undefined;
  /** `--json`, the other commands' spelling of `--format json`. */
  json?: boolean | undefined;
  /** False for `--no-cache`. */
  cache?: boolean | undefined;
  cwd?: string | undefined;
}

/** Runs lint on the project, prints the report in the chosen format, and returns the exit code. */
export async function executeLint(config: PgwardenConfig, output: Output, options: LintCommandOptions): Promise<number> {
  const { lintHistory } = await import('../lint/history.js');
  const report = await lintHistory(config, {
    ...(options.paths && options.paths.length > 0 ? { paths: options.paths } : {}),
    staged: Boolean(options.staged),
    cache: options.cache !== false,
    cwd: options.cwd ?? process.cwd(),
  });
  const format: FormatName = options.format ?? (options.json ? 'json' : 'text');
  const { formatters } = await import('../lint/format/index.js');
  // Only SARIF lists the rules: the other formats do not load them.
  const rules = format === 'sarif' ? (await import('../lint/registry.js')).rules : [];
  // child_process (and the net and dgram modules it loads) only for --staged: 3-4 ms otherwise.
  const execFileSync = options.staged ? (await import('node:child_process')).execFileSync : undefined;
  const source = (file: string): string | undefined => {
    try {
      if (execFileSync) return execFileSync('git', ['show', `:./${file}`], { cwd: config.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return readFileSync(join(config.root, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  // SARIF and annotations name files from the top of the git repository, where GitHub looks for them.
  const projectPath = format === 'sarif' || format === 'github' ? await (await import('../lint/repository-path.js')).projectPathInRepository(config.root) : undefined;
  output.out(formatters[format](report, { source, color: output.color && format === 'text', rules, version: VERSION, projectPath }));
  return report.counts.error > 0 ? ExitCode.Findings : ExitCode.Ok;
}

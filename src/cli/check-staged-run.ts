import { execFileSync } from 'node:child_process';
import type { PgwardenConfig } from '../config/types.js';
import { ExitCode } from '../exit-codes.js';
import type { FormatName } from '../lint/format/index.js';
import { VERSION } from '../version.js';
import type { Output } from './output.js';

/** The options of `pgwarden check --staged`, shared by the yargs command and the fast path. */
export interface StagedCheckCommandOptions {
  format?: FormatName | undefined;
  json?: boolean | undefined;
  cache?: boolean | undefined;
  cwd?: string | undefined;
}

/**
 * Runs the pre-commit check (lint of the staged migrations, structure of the staged history), prints
 * it in lint's formats and returns the exit code: 1 when an error-severity finding remains.
 */
export async function executeStagedCheck(config: PgwardenConfig, output: Output, options: StagedCheckCommandOptions): Promise<number> {
  const { checkStaged } = await import('../check/staged.js');
  const report = await checkStaged(config, { cache: options.cache !== false, cwd: options.cwd ?? process.cwd() });
  const format: FormatName = options.format ?? (options.json ? 'json' : 'text');
  const [{ formatters }, { rules }] = await Promise.all([import('../lint/format/index.js'), import('../lint/registry.js')]);
  const source = (file: string): string | undefined => {
    try {
      return execFileSync('git', ['show', `:./${file}`], { cwd: config.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return undefined;
    }
  };
  // SARIF and annotations name files from the top of the git repository, where GitHub looks for them.
  const projectPath = format === 'sarif' || format === 'github' ? await (await import('../lint/repository-path.js')).projectPathInRepository(config.root) : undefined;
  output.out(formatters[format](report, { source, color: output.color && format === 'text', rules, version: VERSION, projectPath }));
  return report.counts.error > 0 ? ExitCode.Findings : ExitCode.Ok;
}

import type { CommandModule } from 'yargs';
import { ExitCode } from '../../exit-codes.js';
import { openThrowaway } from '../../providers/resolve.js';
import { formatVerifyJson } from '../../verify/format/json.js';
import { formatVerifySarif } from '../../verify/format/sarif.js';
import { formatVerifyText } from '../../verify/format/text.js';
import { loadSeed } from '../../verify/seed.js';
import { planVerify } from '../../verify/plan.js';
import { verifyHistory } from '../../verify/verify.js';
import { locksOf, writeVerifiedLocks } from '../../check/verify-cache.js';
import { loadMigrations } from '../../migrations/load.js';
import { projectPathInRepository } from '../../lint/repository-path.js';
import { PgwardenError } from '../../errors.js';
import type { DatabaseHandle } from '../../providers/types.js';
import { commandContext, setExitCode, type GlobalArgs } from '../context.js';
import { VERIFY_INTERRUPT, withInterrupt } from '../interrupt.js';
import { paint, progressPrinter } from '../output.js';
import { VERIFY_JOBS } from '../../numeric-options.js';
import { numberOption } from '../numeric-option.js';

interface VerifyArgs extends GlobalArgs {
  format?: 'text' | 'json' | 'sarif';
  seed?: string[];
  pgVersion?: string;
  strict?: boolean;
  warningsOk?: boolean;
  jobs?: number;
  ignoreColumnOrder?: boolean;
  ignoreComments?: boolean;
  ignorePrivileges?: boolean;
  ignoreOwners?: boolean;
}

/** Removes the throwaway database or server; when that fails, says what is left and how to remove it. */
async function closeThrowaway(db: DatabaseHandle): Promise<void> {
  try {
    await db.close();
  } catch (cause) {
    const what = db.provider === 'url' ? `the throwaway database ${db.display}` : `the throwaway ${db.provider} server (${db.display})`;
    throw new PgwardenError('DATABASE_ERROR', `Verify could not remove ${what}: ${(cause as Error).message}. ${db.provider === 'url' ? 'Drop it by hand (DROP DATABASE ... WITH (FORCE)).' : 'Stop it by hand.'}`, { cause });
  }
}

export const verifyCommand: CommandModule<object, VerifyArgs> = {
  command: 'verify',
  describe: 'Prove on a throwaway database that each down restores the schema its up changed, and trace the locks every statement takes',
  builder: (y) =>
    y
      .option('format', { choices: ['text', 'json', 'sarif'] as const, describe: 'Output format (default: text)' })
      .option('json', { type: 'boolean', describe: 'Same as --format json' })
      .option('seed', { type: 'string', array: true, describe: 'SQL file of data to load first (a "--! After: <revision>" line loads it after that revision)' })
      .option('pg-version', { type: 'string', describe: 'Run on postgres:<version> with testcontainers (Docker) instead of the embedded server' })
      .option('jobs', numberOption('jobs', VERIFY_JOBS, { describe: 'Databases to verify in at once, each a range of the history (default: the CPU count, at most 4)' }))
      .option('warnings-ok', { type: 'boolean', describe: 'Exit 0 when every finding is a warning (brief ACCESS EXCLUSIVE or SHARE locks); by default any finding exits 1' })
      // Exiting 1 on warnings is the default now; the flag is kept so that scripts that pass it still run.
      .option('strict', { type: 'boolean', hidden: true })
      .option('ignore-column-order', { type: 'boolean', describe: 'A down that restores columns in another order passes' })
      .option('ignore-comments', { type: 'boolean', describe: 'Leave comments out of the comparisons' })
      .option('ignore-privileges', { type: 'boolean', describe: 'Leave privileges out of the comparisons' })
      .option('ignore-owners', { type: 'boolean', describe: 'Leave owners out of the comparisons' })
      .example('$0 verify', 'verify the whole history on an embedded throwaway server')
      .example('$0 verify --seed test/seed.sql --format sarif > verify.sarif', 'with data, for code scanning')
      .example('$0 verify --url postgresql://ci@localhost/postgres', 'on a server of yours (a throwaway database is created and dropped)') as never,
  handler: async (args) => {
    const ctx = commandContext(args);
    const format = args.format ?? (args.json ? 'json' : 'text');
    const cwd = args.cwd ?? process.cwd();
    const seeds = (args.seed ?? []).map((path) => loadSeed(path, cwd));
    // Bad input (a syntax error in a migration or a seed) stops here, before any server is touched.
    const plan = await planVerify(ctx.config, { seeds });
    const progress = progressPrinter(ctx.output, format === 'text');
    // Ctrl-C or SIGTERM stops verify, which drops what it created on the server, then exits 130 or 143.
    const report = await withInterrupt(
      ctx.output,
      async (signal) => {
        const db = await openThrowaway(ctx.config, { ...ctx.target, pgVersion: args.pgVersion });
        try {
          return await verifyHistory(ctx.config, db, {
            seeds,
            plan,
            signal,
            ...(args.jobs !== undefined ? { jobs: args.jobs } : {}),
            diff: { ignoreColumnOrder: args.ignoreColumnOrder, ignoreComments: args.ignoreComments, ignorePrivileges: args.ignorePrivileges, ignoreOwners: args.ignoreOwners },
            onProgress: (e) => {
              if (e.phase !== 'done') progress.update(`verifying ${e.index + 1}/${e.total} ${e.name}: ${e.phase}`);
            },
          });
        } finally {
          progress.done();
          await closeThrowaway(db);
        }
      },
      VERIFY_INTERRUPT,
    );
    if (format === 'json') ctx.output.out(formatVerifyJson(report));
    // SARIF names files from the top of the git repository, where code scanning looks for them.
    else if (format === 'sarif') ctx.output.out(formatVerifySarif(report, { projectPath: await projectPathInRepository(ctx.config.root) }));
    else {
      const o = ctx.output;
      ctx.output.out(formatVerifyText(report, { error: (s) => paint(o, 'red', s), warning: (s) => paint(o, 'yellow', s), ok: (s) => paint(o, 'green', s), dim: (s) => paint(o, 'dim', s) }));
    }
    // What verify learned about locks serves `pgwarden deploy` later (src/check/verify-cache.ts).
    writeVerifiedLocks(ctx.config.root, locksOf(report, loadMigrations(ctx.config.migrationsDir)));
    // Any finding fails, as the issue asks; --warnings-ok lets warnings pass (pgwarden check does the same for its verify step).
    const failing = report.findings.some((f) => f.level === 'error' || !args.warningsOk);
    setExitCode(failing ? ExitCode.Findings : ExitCode.Ok);
  },
};

import { createInterface } from 'node:readline/promises';
import type { CommandModule } from 'yargs';
import { executeDeploy, invalidPlanError, planDeploy, type DeployPlan, type DeployResult } from '../../deploy/deploy.js';
import { PgwardenError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { commandFor } from '../../providers/origin.js';
import { openDatabase } from '../../providers/resolve.js';
import type { DatabaseHandle } from '../../providers/types.js';
import { lockModeName, relationLabel } from '../../verify/locks.js';
import { commandContext, setExitCode, type GlobalArgs } from '../context.js';
import { statementInterrupt, statusCommand, withInterrupt } from '../interrupt.js';
import { paint, printJson, type Output } from '../output.js';
import { renderStatus, statusJson } from '../render/status.js';
import { renderRolesPlan } from './roles.js';
import { numberOption, secondsRule } from '../numeric-option.js';

interface DeployArgs extends GlobalArgs {
  yes?: boolean;
  dryRun?: boolean;
  waitForDb?: number;
  roles?: boolean;
  drift?: boolean;
  json?: boolean;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function renderPlan(output: Output, plan: DeployPlan): string {
  const lines: string[] = [];
  const where = plan.environment ? `environment ${plan.environment}${plan.protected ? ' (protected)' : ''}, ` : '';
  lines.push(paint(output, 'bold', `Deploy to ${where}${plan.database}`), '');
  lines.push(renderStatus(output, plan.status).trimEnd(), '');
  if (plan.pending.length === 0) lines.push('No pending migration.');
  else {
    lines.push(paint(output, 'bold', `Pending migrations (${plan.pending.length}), in the order they run:`));
    for (const m of plan.pending) {
      lines.push(`  ${m.name}  ${paint(output, 'gray', m.description)}`);
      if (!m.transactional) lines.push(paint(output, 'yellow', '      Transaction: none: runs statement by statement and can stop halfway'));
      if (m.irreversible) lines.push(paint(output, 'yellow', `      irreversible: ${m.irreversible}`));
      if (!m.locks) lines.push(paint(output, 'gray', '      locks: not verified (pgwarden check traces them and remembers them for deploy)'));
      else {
        const held = m.locks.locks.filter((l) => l.blocks !== 'nothing');
        const traced = `verified ${m.locks.verifiedAt.slice(0, 10)}${m.locks.complete ? '' : ', statements outside a transaction not traced'}`;
        if (held.length === 0 && m.locks.rewrites.length === 0) lines.push(`      locks: nothing that blocks on existing tables (${traced})`);
        for (const l of held) lines.push(`      locks: ${lockModeName(l.mode)} on ${relationLabel({ relation: l.relation, kind: l.kind ?? 'table', table: l.table })}, blocks ${l.blocks} (${traced})`);
        for (const r of m.locks.rewrites) lines.push(paint(output, 'red', `      rewrites ${r} under an ACCESS EXCLUSIVE lock`));
      }
      for (const f of m.findings) lines.push(`      ${f.severity === 'error' ? paint(output, 'red', 'error') : paint(output, 'yellow', 'warning')} ${paint(output, 'gray', f.rule)} line ${f.line}: ${f.message}`);
    }
    lines.push(`Lint on the pending migrations: ${plural(plan.lint.errors, 'error')}, ${plural(plan.lint.warnings, 'warning')}.`);
  }
  lines.push('');
  if ('skipped' in plan.roles) lines.push(`Roles: ${plan.roles.skipped}.`);
  else lines.push(`Roles (${plan.roles.file}), planned against the schema before the migrations; applied after them, planned again so new tables get their grants:`, renderRolesPlan(output, plan.roles.plan, plan.database).trimEnd());
  for (const b of plan.blockers) lines.push(paint(output, 'red', `blocked: ${b}`));
  for (const p of plan.invalid) {
    const where = [p.file, p.line, p.column].filter((x) => x !== undefined && x !== '').join(':');
    lines.push(paint(output, 'red', `invalid: ${where ? `${where}: ` : ''}${p.message}`));
  }
  return `${lines.join('\n')}\n`;
}

function renderResult(output: Output, result: DeployResult, db: DatabaseHandle): string {
  const lines: string[] = [];
  lines.push(result.applied.length === 0 ? 'Migrations: nothing to apply.' : `Applied ${plural(result.applied.length, 'migration')}: ${result.applied.map((m) => `${m.name} (${m.durationMs} ms)`).join(', ')}.`);
  if (result.roles) lines.push(`Roles: ${plural(result.roles.applied, 'statement')} applied.`);
  lines.push('', renderStatus(output, result.after).trimEnd(), '');
  const drift = result.drift;
  if ('error' in drift) lines.push(paint(output, 'yellow', `Drift: not checked: ${drift.error}`));
  else {
    const reference = drift.report.reference.kind === 'snapshot' ? drift.report.reference.file : 'the reference';
    const managed = drift.managedByRoles > 0 ? ` (the grants of roles.yaml's roles compared with roles.yaml, not with the snapshot)` : '';
    if (drift.clean) lines.push(paint(output, 'green', `Drift: none; the database matches ${reference}${managed}.`));
    else {
      const counts = new Map<string, number>();
      for (const f of drift.findings) counts.set(f.class, (counts.get(f.class) ?? 0) + 1);
      lines.push(paint(output, 'red', `Drift: ${plural(drift.findings.length, 'difference')} from ${reference} (${[...counts].map(([c, n]) => `${n} ${c}`).join(', ')}) after the deploy${managed}:`));
      for (const f of drift.findings.slice(0, 30)) lines.push(`  ${f.class}: ${f.message}`);
      if (drift.findings.length > 30) lines.push(`  ... ${commandFor(db, 'drift')} shows them all`);
    }
  }
  lines.push(`Deploy finished in ${(result.durationMs / 1000).toFixed(1)} s and logged in the ledger's events (${commandFor(db, 'history')}).`);
  return `${lines.join('\n')}\n`;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function deployJson(plan: DeployPlan, result: DeployResult | undefined) {
  return {
    environment: plan.environment ?? null,
    database: plan.database,
    protected: plan.protected,
    dryRun: result === undefined,
    before: statusJson(plan.status),
    pending: plan.pending,
    lint: plan.lint,
    roles: 'skipped' in plan.roles ? { skipped: plan.roles.skipped } : { file: plan.roles.file, planned: plan.roles.plan.changes.map((c) => ({ group: c.group, sql: c.sql, reason: c.reason })), warnings: plan.roles.plan.warnings },
    blockers: plan.blockers,
    invalid: plan.invalid,
    result: result
      ? {
          applied: result.applied.map((m) => ({ revision: m.revision, name: m.name, durationMs: m.durationMs })),
          rolesApplied: result.roles?.applied ?? 0,
          after: statusJson(result.after),
          drift: 'error' in result.drift ? { checked: false, reason: result.drift.error } : { checked: true, clean: result.drift.clean, managedByRoles: result.drift.managedByRoles, findings: result.drift.findings },
          durationMs: result.durationMs,
        }
      : null,
  };
}

/** `pgwarden deploy --env <name>`: plan, confirm, up, roles apply, final status and drift. */
export const deployCommand: CommandModule<object, DeployArgs> = {
  command: 'deploy',
  describe: 'Upgrade an environment: status, pending migrations with their lint findings and verified locks, roles plan; confirm; up, roles apply; final status and drift',
  builder: (y) =>
    y
      .option('yes', { type: 'boolean', describe: 'Do not ask for confirmation (automation); required for a protected environment without a terminal' })
      .option('dry-run', { type: 'boolean', describe: 'Show the plan and stop: change nothing. Exits as the deploy would: 1 when blocked (modified, missing or partial migrations), 2 for bad input (SQL that does not parse, an unreadable password), 3 when the database cannot be reached' })
      .option('wait-for-db', numberOption('wait-for-db', secondsRule('how long to wait for the database to accept connections', '60', '0: try once'), { default: 30, describe: 'Seconds to wait for the database to accept connections before giving up (exit 3)' }))
      .option('roles', { type: 'boolean', default: true, describe: 'Apply schema/roles.yaml after the migrations (--no-roles to leave roles alone)' })
      .option('drift', { type: 'boolean', default: true, describe: 'Compare the database with schema/snapshot.json after the deploy (--no-drift to skip)' })
      .option('json', { type: 'boolean', describe: 'Machine-readable output (needs --yes or --dry-run)' })
      .example('pgwarden deploy --env staging --dry-run', 'What would be deployed, and its locks')
      .example('pgwarden deploy --env prod', 'Plan, confirm at the terminal, deploy')
      .example('pgwarden deploy --env prod --yes', 'In automation') as never,
  handler: async (args) => {
    const ctx = commandContext(args);
    if (!ctx.target.env && !ctx.target.url && !process.env.DATABASE_URL && !ctx.config.defaultEnvironment) {
      throw new PgwardenError('USAGE', 'Name the environment to deploy to: pgwarden deploy --env <name> (or --url).');
    }
    const db = await openDatabase(ctx.config, ctx.target);
    for (const note of db.notes ?? []) ctx.output.err(`note: ${note}\n`);
    try {
      const options = { waitForDb: args.waitForDb ?? 30, roles: args.roles !== false, drift: args.drift !== false, target: ctx.target };
      const plan = await planDeploy(ctx.config, db, options);
      if (!args.json) ctx.output.out(renderPlan(ctx.output, plan));
      const refusal = plan.blockers.length > 0
        ? new PgwardenError('MIGRATION_MODIFIED', "The database's ledger and the migration files disagree; nothing was deployed. Fix what is listed above.")
        : invalidPlanError(plan);
      if (args.dryRun) {
        // The dry run exits as the deploy would: 1 when it is blocked, 2 for bad input, else 0.
        if (args.json) printJson(ctx.output, deployJson(plan, undefined));
        else ctx.output.out(`\nDry run: nothing was changed.${refusal ? ` The deploy would refuse: ${plan.blockers.length > 0 ? 'blocked (see above)' : 'bad input (see above)'}.` : ''}\n`);
        setExitCode(refusal ? refusal.exitCode : ExitCode.Ok);
        return;
      }
      if (refusal) throw refusal;
      if (plan.protected && !args.yes) {
        if (!process.stdin.isTTY || !ctx.output.isTTY) {
          throw new PgwardenError('USAGE', `Environment "${plan.environment}" is protected and there is no terminal to confirm on: review the plan (${commandFor(db, 'deploy --dry-run')}) and pass --yes. Nothing was changed.`);
        }
        const roleCount = 'skipped' in plan.roles ? 0 : plan.roles.plan.changes.length;
        if (!(await confirm(`Deploy ${plural(plan.pending.length, 'migration')} and ${plural(roleCount, 'role statement')} to ${plan.environment} (${plan.database})? Type "yes" to go on: `))) {
          throw new PgwardenError('ABORTED', 'Not confirmed: nothing was changed.');
        }
      }
      const result = await withInterrupt(ctx.output, (signal) => executeDeploy(ctx.config, db, plan, { ...options, signal }), statementInterrupt('the running statement of the deploy', statusCommand(ctx.target)));
      if (args.json) printJson(ctx.output, deployJson(plan, result));
      else ctx.output.out(`\n${renderResult(ctx.output, result, db)}`);
      const drifted = !('error' in result.drift) && !result.drift.clean;
      setExitCode(drifted ? ExitCode.Findings : ExitCode.Ok);
    } finally {
      await db.close();
    }
  },
};

import { existsSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Argv, CommandModule } from 'yargs';
import { PgwardenError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import type { DatabaseHandle } from '../../providers/types.js';
import { applyRoles, planRolesOn } from '../../roles/apply.js';
import { generateRoles } from '../../roles/generate.js';
import { unreadablePasswords } from '../../roles/passwords.js';
import { loadRolesFile } from '../../roles/load.js';
import { CHANGE_GROUPS, type ChangeGroup, type RolesPlan } from '../../roles/plan.js';
import { connect } from '../../runner/session.js';
import { commandContext, setExitCode, type CommandContext, type GlobalArgs } from '../context.js';
import { paint, printJson, type Output } from '../output.js';
import { statementInterrupt, statusCommand, withInterrupt } from '../interrupt.js';
import { withDatabase } from '../with-database.js';

interface RolesArgs extends GlobalArgs {
  action: 'plan' | 'apply' | 'check' | 'generate';
  file?: string;
  json?: boolean;
  yes?: boolean;
  allowSuperuser?: boolean;
  output?: string;
  force?: boolean;
}

const GROUP_TITLES: Record<ChangeGroup, string> = {
  'create-roles': 'Create roles',
  'alter-roles': 'Alter roles',
  memberships: 'Memberships',
  grants: 'Grants',
  'default-privileges': 'Default privileges',
  revokes: 'Revokes',
  drops: 'Drops',
};

/** The plan as a person reads it: statements grouped in the order they run, each with its reason. */
export function renderRolesPlan(output: Output, plan: RolesPlan, target: string): string {
  const lines: string[] = [];
  const version = `${Math.floor(plan.serverVersionNum / 10000)}`;
  const env = plan.environment ? `environment ${plan.environment}, ` : '';
  if (plan.changes.length === 0) {
    lines.push(paint(output, 'green', `Roles match the roles file on ${target} (${env}Postgres ${version}): nothing to do.`));
  } else {
    lines.push(`Roles plan for ${target} (${env}Postgres ${version}): ${plan.changes.length} statement${plan.changes.length === 1 ? '' : 's'}.`);
    for (const group of CHANGE_GROUPS) {
      const changes = plan.changes.filter((c) => c.group === group);
      if (changes.length === 0) continue;
      lines.push('', paint(output, 'bold', `-- ${GROUP_TITLES[group]} (${changes.length})`));
      for (const change of changes) {
        lines.push(paint(output, 'gray', `-- ${change.reason}${change.database !== plan.database ? ` [in database ${change.database}]` : ''}`));
        lines.push(`${change.sql};`);
      }
    }
  }
  if (plan.undeclared.length > 0) {
    lines.push(
      '',
      paint(output, 'yellow', `Managed roles not declared in the roles file: ${plan.undeclared.join(', ')}.`),
      plan.changes.some((c) => c.group === 'drops') ? '  They are dropped above (managed.dropUndeclared).' : '  Declare them, or set managed.dropUndeclared: true to drop them.',
    );
  }
  for (const warning of plan.warnings) lines.push(paint(output, 'yellow', `warning: ${warning}`));
  return `${lines.join('\n')}\n`;
}

function planJson(plan: RolesPlan) {
  return {
    database: plan.database,
    environment: plan.environment ?? null,
    serverVersionNum: plan.serverVersionNum,
    clean: plan.changes.length === 0 && plan.undeclared.length === 0,
    changes: plan.changes.map((c) => ({
      group: c.group,
      database: c.database,
      sql: c.sql,
      reason: c.reason,
      ...(c.password ? { password: { role: c.password.role, version: c.password.version, source: 'env' in c.password.source ? { env: c.password.source.env } : { file: c.password.source.file } } } : {}),
    })),
    undeclared: plan.undeclared,
    warnings: plan.warnings,
    fingerprint: plan.fingerprint,
  };
}

/** Asks a yes/no question on the terminal; only an explicit yes counts. */
async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function rolesFilePath(ctx: CommandContext, args: RolesArgs): string {
  return args.file ? resolve(args.cwd ?? process.cwd(), args.file) : ctx.config.roles.file;
}

/** The environments an existing roles file declares (none when there is no file, or it does not load). */
function existingEnvironments(path: string): string[] {
  if (!existsSync(path)) return [];
  try {
    return Object.keys(loadRolesFile(path).spec.environments ?? {});
  } catch {
    return [];
  }
}

async function runRoles(args: RolesArgs): Promise<void> {
  const ctx = commandContext(args);
  const environment = args.env ?? ctx.config.defaultEnvironment;
  if (args.action === 'generate') {
    const path = args.output === '-' ? undefined : args.output ? resolve(args.cwd ?? process.cwd(), args.output) : ctx.config.roles.file;
    if (path && existsSync(path) && !args.force) {
      throw new PgwardenError('USAGE', `${path} exists: pass --force to overwrite it, or --output - to print the file.`);
    }
    // --env names the block the login roles go under: a misspelt one would write a file whose
    // login roles no plan of the real environment sees.
    if (environment !== undefined && !ctx.config.environments[environment]) {
      const fromRoles = existingEnvironments(rolesFilePath(ctx, args));
      if (!fromRoles.includes(environment)) {
        const known = [...new Set([...Object.keys(ctx.config.environments), ...fromRoles])];
        throw new PgwardenError(
          'USAGE',
          `Unknown environment "${environment}": neither ${ctx.config.configFile ?? 'the config'} nor ${relative(process.cwd(), rolesFilePath(ctx, args)) || rolesFilePath(ctx, args)} declares it. ${known.length ? `Known: ${known.join(', ')}.` : 'Add it under "environments" in the config.'} Nothing was generated.`,
        );
      }
    }
    const generated = await withDatabase(ctx, async (db) => {
      const client = await connect(db, { applicationName: 'pgwarden roles generate' });
      try {
        return await generateRoles(client, { environment });
      } finally {
        await client.end().catch(() => {});
      }
    });
    if (!path) ctx.output.out(generated.text);
    else {
      writeFileSync(path, generated.text);
      ctx.output.err(`Wrote ${relative(process.cwd(), path) || path}: ${Object.keys(generated.spec.roles ?? {}).length + Object.keys(generated.spec.environments?.[environment ?? '']?.roles ?? {}).length} roles, ${generated.spec.grants?.length ?? 0} grant entries.\n`);
    }
    if (generated.leftOut.length > 0) {
      ctx.output.err(`Left out (superusers, listed under managed.ignore; declare one by hand and plan with --allow-superuser to manage it): ${generated.leftOut.join(', ')}.\n`);
    }
    for (const warning of generated.warnings) ctx.output.err(`${paint(ctx.output, 'yellow', 'warning')}: ${warning}\n`);
    setExitCode(ExitCode.Ok);
    return;
  }

  const rolesFile = loadRolesFile(rolesFilePath(ctx, args));
  // With --url the config is not asked for a connection, so a misspelt --env would go unnoticed
  // and plan the file without that environment's login roles.
  if (environment !== undefined && !ctx.config.environments[environment] && !rolesFile.spec.environments?.[environment]) {
    const known = [...new Set([...Object.keys(ctx.config.environments), ...Object.keys(rolesFile.spec.environments ?? {})])];
    throw new PgwardenError(
      'USAGE',
      `Unknown environment "${environment}": neither ${ctx.config.configFile ?? 'the config'} nor ${rolesFile.file} declares it. ${known.length ? `Known: ${known.join(', ')}.` : 'Add it under "environments".'} Nothing was planned or applied.`,
    );
  }
  const planOptions = { environment, allowSuperuser: args.allowSuperuser };
  await withDatabase(ctx, async (db: DatabaseHandle) => {
    const plan = await planRolesOn(db, rolesFile, planOptions);
    // Passwords apply will need and cannot read, at the line of each in the roles file.
    const unreadable = unreadablePasswords(rolesFile, plan);
    if (args.action === 'plan' || args.action === 'check') {
      if (args.json) printJson(ctx.output, { ...planJson(plan), unreadablePasswords: unreadable.map((p) => ({ file: relative(process.cwd(), p.file ?? ''), line: p.line ?? null, message: p.message })) });
      else {
        ctx.output.out(renderRolesPlan(ctx.output, plan, db.display));
        for (const p of unreadable) ctx.output.out(`${paint(ctx.output, 'yellow', 'warning')}: ${[relative(process.cwd(), p.file ?? ''), p.line].filter((x) => x !== undefined && x !== '').join(':')}: ${p.message.replace(' and apply again.', ' before roles apply.')}\n`);
      }
      const differs = plan.changes.length > 0 || plan.undeclared.length > 0;
      setExitCode(args.action === 'check' && differs ? ExitCode.Findings : ExitCode.Ok);
      return;
    }
    if (!args.json) ctx.output.out(renderRolesPlan(ctx.output, plan, db.display));
    if (unreadable.length > 0) {
      throw new PgwardenError('ROLES_INVALID', `${unreadable.length} password${unreadable.length === 1 ? '' : 's'} could not be read. Nothing was applied.`, { problems: unreadable });
    }
    if (plan.changes.length === 0) {
      if (args.json) printJson(ctx.output, { ...planJson(plan), applied: 0 });
      setExitCode(ExitCode.Ok);
      return;
    }
    const isProtected = environment !== undefined && ctx.config.environments[environment]?.protected === true;
    if (isProtected && !args.yes) {
      if (!ctx.output.isTTY || !process.stdin.isTTY) {
        throw new PgwardenError('USAGE', `Environment "${environment}" is protected: review the plan and pass --yes to apply it without a terminal. Nothing was applied.`);
      }
      if (!(await confirm(`Apply these ${plan.changes.length} statements to ${db.display} (protected environment ${environment})? [y/N] `))) {
        throw new PgwardenError('ABORTED', 'Not confirmed: nothing was applied.');
      }
    }
    const result = await withInterrupt(ctx.output, (signal) => applyRoles(db, rolesFile, { ...planOptions, expected: plan, lockTimeout: ctx.config.runner.lockTimeout, signal }), statementInterrupt('the running statement', statusCommand(ctx.target)));
    if (args.json) printJson(ctx.output, { ...planJson(result.plan), applied: result.applied });
    else ctx.output.out(paint(ctx.output, 'green', `Applied ${result.applied} statement${result.applied === 1 ? '' : 's'}.\n`));
    setExitCode(ExitCode.Ok);
  });
}

export const rolesCommand: CommandModule<object, RolesArgs> = {
  command: 'roles <action>',
  describe: 'Roles and grants as code: plan, apply, check or generate schema/roles.yaml',
  builder: (y: Argv<object>) =>
    y
      .positional('action', { choices: ['plan', 'apply', 'check', 'generate'] as const, describe: 'plan: show the statements; apply: run them; check: exit 1 when the database differs; generate: write a roles file from the database' })
      .option('file', { type: 'string', describe: 'The roles file (default: roles.file in the config, schema/roles.yaml)' })
      .option('json', { type: 'boolean', describe: 'Machine-readable output' })
      .option('yes', { type: 'boolean', describe: 'Apply to a protected environment without asking' })
      .option('allow-superuser', { type: 'boolean', describe: 'Allow roles with superuser: true' })
      .option('output', { type: 'string', describe: 'generate: where to write (default: the roles file; - prints it)' })
      .option('force', { type: 'boolean', describe: 'generate: overwrite an existing file' })
      .example('$0 roles plan --env staging', 'show what apply would change')
      .example('$0 roles apply --env prod --yes', 'apply without a prompt (CI)')
      .example('$0 roles check --env prod', 'exit 1 when prod differs from the file') as never,
  handler: runRoles,
};

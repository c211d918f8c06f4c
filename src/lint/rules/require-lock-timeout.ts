import { displayName, q } from '../analysis/ast.js';
import { lockedRelations, statementLabel } from '../analysis/locks.js';
import { isNewIndex, isNewTable } from '../analysis/new-objects.js';
import { sameTransaction, transactionOf } from '../analysis/transactions.js';
import type { LintMigration, LintStatement, Rule, RuleContext, SchemaModel } from '../types.js';

/** Migrations already reported (one finding per migration, at its first statement that needs it). */
const reported = new WeakSet<LintMigration>();

/** Statements that lock an existing table while no lock_timeout is in effect. */
export const rule: Rule = {
  id: 'require-lock-timeout',
  description: 'Statements that lock an existing table while no lock_timeout is set (by the runner config, the header or a SET earlier in the migration).',
  defaultSeverity: 'error',
  kind: 'safety',
  sections: ['up'],
  statement(statement, model, ctx) {
    if (statement.section !== 'up' || reported.has(statement.migration) || !mayLackLockTimeout(statement.migration, ctx)) return;
    const locked = existingLockedRelation(statement, model);
    if (!locked) return;
    if (lockTimeoutInEffect(statement, ctx)) return;
    reported.add(statement.migration);
    const unset = ctx.options.runnerSetsLockTimeout ? "with lock_timeout switched off by this migration (the runner's runner.lockTimeout no longer applies)" : 'with no lock_timeout set';
    ctx.report({
      at: statement,
      message: `${statementLabel(statement)} locks ${q(locked)} ${unset}: while it waits for the lock, every later query on ${q(locked)} queues behind it.`,
      help: "Set a lock timeout before it: a `--! Lock-Timeout: 5s` header line, `SET lock_timeout = '5s';` at the top of the up section, or runner.lockTimeout in the config (then retry the migration when it times out).",
      fix: { description: "Set lock_timeout before the first statement that locks a table", replacement: `SET lock_timeout = '5s';\n${statement.text}`, replaces: 'statement' },
    });
  },
};

/** The first existing relation the statement locks (tables created earlier in the migration do not count). */
function existingLockedRelation(statement: LintStatement, model: SchemaModel): string | undefined {
  for (const { relation, index } of lockedRelations(statement)) {
    const isNew = index
      ? isNewIndex(statement, model, relation.schemaname ? [relation.schemaname, relation.relname] : [relation.relname])
      : isNewTable(statement, model, relation);
    if (isNew) continue;
    // An index is locked through its table: name the table when the history knows it.
    return (index ? model.index(relation.schemaname ? `${relation.schemaname}.${relation.relname}` : relation.relname)?.table : undefined) ?? displayName(relation);
  }
  return undefined;
}

type Setting = { reset: true } | { reset: false; value: boolean; local: boolean };

/** Migrations whose up section sets, resets or switches off lock_timeout (asked once each). */
const touchesLockTimeout = new WeakMap<LintMigration, boolean>();

/**
 * False when the runner's lock_timeout (runner.lockTimeout, a session SET on its connection) is in
 * effect throughout the migration: no `Lock-Timeout: 0` header and no statement that changes it.
 */
function mayLackLockTimeout(migration: LintMigration, ctx: RuleContext): boolean {
  if (!ctx.options.runnerSetsLockTimeout) return true;
  if (migration.file.lockTimeout !== undefined && !nonZero(migration.file.lockTimeout)) return true;
  let touches = touchesLockTimeout.get(migration);
  if (touches === undefined) {
    touches = migration.up.some((s) => lockTimeoutSetting(s) !== undefined);
    touchesLockTimeout.set(migration, touches);
  }
  return touches;
}

function lockTimeoutInEffect(statement: LintStatement, ctx: RuleContext): boolean {
  // The runner's session value, unless the header sets the migration's own (0 switches it off).
  const headerValue = statement.migration.file.lockTimeout;
  let session = headerValue !== undefined ? nonZero(headerValue) : ctx.options.runnerSetsLockTimeout;
  let local: { statement: LintStatement; value: boolean } | undefined;
  for (let i = 0; i < statement.index; i++) {
    const earlier = statement.migration.up[i]!;
    const setting = lockTimeoutSetting(earlier);
    if (!setting) continue;
    if (setting.reset) {
      // RESET and SET ... TO DEFAULT go back to the server's default, not to the runner's SET.
      session = false;
      local = undefined;
    } else if (setting.local) {
      // SET LOCAL outside a transaction has no effect.
      if (transactionOf(earlier).inTransaction) local = { statement: earlier, value: setting.value };
    } else {
      session = setting.value;
      local = undefined;
    }
  }
  if (local && sameTransaction(local.statement, statement)) return local.value;
  return session;
}

/** What a statement does to lock_timeout: SET / SET LOCAL / RESET / set_config(...). */
function lockTimeoutSetting(statement: LintStatement): Setting | undefined {
  const ast = statement.ast;
  if (statement.kind === 'VariableSetStmt') {
    if (ast.kind === 'VAR_RESET_ALL') return { reset: true };
    if (ast.name !== 'lock_timeout') return undefined;
    if (ast.kind === 'VAR_SET_VALUE') return { reset: false, value: nonZero(constantText(ast.args?.[0])), local: ast.is_local === true };
    if (ast.kind === 'VAR_SET_DEFAULT' || ast.kind === 'VAR_RESET') return { reset: true };
    return undefined;
  }
  if (statement.kind === 'SelectStmt') {
    for (const target of ast.targetList ?? []) {
      const call = target?.ResTarget?.val?.FuncCall;
      const name = call?.funcname?.map((n: any) => n?.String?.sval).pop();
      if (name !== 'set_config' || constantText(call.args?.[0]) !== 'lock_timeout') continue;
      const isLocal = call.args?.[2]?.A_Const?.boolval?.boolval === true;
      return { reset: false, value: nonZero(constantText(call.args?.[1])), local: isLocal };
    }
  }
  return undefined;
}

/** The text of a constant (`'5s'`, `5000`, `0`), as the server would read the setting. */
function constantText(node: any): string | undefined {
  const constant = node?.A_Const;
  if (!constant) return undefined;
  if (constant.sval) return constant.sval.sval ?? '';
  if (constant.ival) return String(constant.ival.ival ?? 0);
  if (constant.fval) return String(constant.fval.fval ?? '0');
  return undefined;
}

function nonZero(duration: string | undefined): boolean {
  if (duration === undefined) return false;
  return !/^\s*0*(\.0*)?\s*(us|ms|s|min|h|d)?\s*$/i.test(duration);
}

import type { PgwardenConfig, RuleSeverity } from '../config/types.js';
import type { LintOptions, RuleMeta, Severity } from './types.js';

/**
 * The Postgres major version migrations target when the config does not say
 * (`lint.postgresVersion`): the oldest major the PostgreSQL project still supports. One value for
 * the CLI without a config, `pgwarden init`, and the library (lintSources, lintSnippet).
 */
export const DEFAULT_POSTGRES_VERSION = 15;

/** Everything lint takes from the configuration, with defaults applied. */
export interface LintConfigResolved extends LintOptions {
  /** Severity per rule id (`error`, `warning`, `off`); unlisted rules use their default. */
  rules: Record<string, RuleSeverity>;
  /** `{ rule-id | '*': revision }`: the rule applies only to migrations after that revision. */
  startAfter: Record<string, string>;
}

/** A duration setting that is not zero (`'0'`, `'0s'`, `''` and `0ms` mean "no timeout"). */
function isSet(duration: string | undefined): boolean {
  if (duration === undefined) return false;
  return !/^\s*0*\s*(ms|s|min|h|d)?\s*$/i.test(duration);
}

/** The lint settings of a project config, with overrides (tests, snippets) on top. */
export function resolveLintConfig(config: PgwardenConfig | undefined, overrides: Partial<LintConfigResolved> = {}): LintConfigResolved {
  return {
    postgresVersion: config?.lint.postgresVersion ?? DEFAULT_POSTGRES_VERSION,
    runnerSetsLockTimeout: config ? isSet(config.runner.lockTimeout) : false,
    runnerSetsStatementTimeout: config ? isSet(config.runner.statementTimeout) : false,
    transactionMode: config?.runner.transaction ?? 'per-migration',
    rules: { ...(config?.lint.rules ?? {}) },
    startAfter: { ...(config?.lint.startAfter ?? {}) },
    ...overrides,
  };
}

/** The severity a rule runs with, or `off`. */
export function severityOf(rule: RuleMeta, config: LintConfigResolved): Severity | 'off' {
  return config.rules[rule.id] ?? rule.defaultSeverity;
}

/** The revision after which a rule starts to apply, if configured (`rule-id` wins over `*`). */
export function startAfterFor(ruleId: string, config: LintConfigResolved): string | undefined {
  return config.startAfter[ruleId] ?? config.startAfter['*'];
}

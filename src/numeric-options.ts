import { PgwardenError } from './errors.js';

/** What a numeric option accepts, and an example to show when it gets something else. */
export interface NumberRule {
  /** Whole numbers only (counts, limits, versions), or any finite number (seconds). */
  integer: boolean;
  min: number;
  max?: number;
  /** What the value means, after "Give": `how many events to show`. */
  meaning: string;
  /** A good value, shown as `e.g. <name> <example>`. */
  example: string;
  /** What a special value means, e.g. `0: forever`. */
  note?: string;
}

/** `a whole number of at least 1`, `a number of seconds, at least 0`, `a whole number from 10 to 19`. */
export function describeRule(rule: NumberRule): string {
  const what = rule.integer ? 'a whole number' : 'a number of seconds';
  const range = rule.max !== undefined ? ` from ${rule.min} to ${rule.max}` : rule.integer ? ` of at least ${rule.min}` : `, at least ${rule.min}`;
  return `${what}${range}`;
}

/**
 * Checks the value of a numeric option (a CLI flag, or the same option given to the library) and
 * returns it. A value that is not a number (`abc` reaches here as NaN), a fraction where a whole
 * number is needed, or a value out of range is a usage error (exit 2) naming the option, what it
 * accepts and an example; nothing has run yet.
 *
 * @example
 * checkNumber('--limit', Number('-3'), { integer: true, min: 1, meaning: 'how many events to show', example: '20' });
 * // throws USAGE: --limit must be a whole number of at least 1 (got -3). Give how many events to show, e.g. --limit 20. Nothing was run.
 */
export function checkNumber(name: string, value: number, rule: NumberRule): number {
  const valid =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    value >= rule.min &&
    (rule.max === undefined || value <= rule.max);
  if (valid) return value;
  const got = typeof value === 'number' && !Number.isNaN(value) ? `got ${value}` : 'got something that is not a number';
  throw new PgwardenError(
    'USAGE',
    `${name} must be ${describeRule(rule)} (${got}). Give ${rule.meaning}, e.g. ${name} ${rule.example}${rule.note ? ` (${rule.note})` : ''}. Nothing was run.`,
  );
}

/** The numeric options the library refuses too (runMigrations, verifyHistory), as the CLI words them. */
export const RUN_COUNT: NumberRule = { integer: true, min: 1, meaning: 'how many migrations to run at most', example: '2' };
export const RUN_WAIT: NumberRule = { integer: false, min: 0, meaning: 'how long to wait for the lock another run holds', example: '60', note: '0: forever' };
export const VERIFY_JOBS: NumberRule = { integer: true, min: 1, meaning: 'how many databases to verify in at once', example: '2' };

import type { Options } from 'yargs';
import { PgwardenError } from '../errors.js';
import { checkNumber, type NumberRule } from '../numeric-options.js';

/**
 * A numeric option of a command, checked as it is parsed: every numeric flag of the CLI is
 * declared with this, so that `--limit -3`, `--jobs abc` or `--wait-for-db 1.5x` is refused the
 * same way (exit 2, naming the option, what it accepts and an example) before anything connects.
 * The flag needs a value: a bare `--limit` is refused too, not read as the default.
 */
export function numberOption(name: string, rule: NumberRule, options: Omit<Options, 'type' | 'coerce'>): Options {
  const flag = `--${name}`;
  return {
    ...options,
    type: 'number',
    requiresArg: true,
    coerce: (value: unknown) => {
      if (Array.isArray(value)) throw new PgwardenError('USAGE', `${flag} was given ${value.length} times: give it once. Nothing was run.`);
      return checkNumber(flag, value as number, rule);
    },
  };
}

/** Whole numbers of at least 1: how many of something. */
export function countRule(meaning: string, example: string): NumberRule {
  return { integer: true, min: 1, meaning, example };
}

/** Seconds to wait, 0 or more (fractions allowed); `note` says what 0 means. */
export function secondsRule(meaning: string, example: string, note: string): NumberRule {
  return { integer: false, min: 0, meaning, example, note };
}

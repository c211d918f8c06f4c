import { describe, expect, it } from 'vitest';
import { parseConfig, resolveConfig } from '../../../src/config/load.js';
import { PgwardenError } from '../../../src/errors.js';

function problemsOf(text: string) {
  try {
    parseConfig(text, 'pgwarden.config.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(PgwardenError);
    return (error as PgwardenError).problems.map((p) => `${p.line}: ${p.message}`);
  }
  throw new Error('expected the config to be rejected');
}

describe('config validation', () => {
  it('accepts a full config and applies defaults', () => {
    const file = parseConfig(
      ['migrations: db/migrations', 'runner:', '  transaction: single', '  lockTimeout: 10s', 'environments:', '  prod:', '    urlEnv: PROD_DATABASE_URL', '    protected: true', 'lint:', '  rules:', '    ban-drop-column: warning'].join('\n'),
      'x.yaml',
    );
    const config = resolveConfig(file, '/repo/pgwarden.config.yaml', '/repo');
    expect(config.migrationsDir).toBe('/repo/db/migrations');
    expect(config.runner).toEqual({ transaction: 'single', lockTimeout: '10s', statementTimeout: '0' });
    expect(config.environments.prod).toEqual({ urlEnv: 'PROD_DATABASE_URL', protected: true });
    expect(config.lint.rules['ban-drop-column']).toBe('warning');
    expect(config.ledger).toEqual({ schema: 'pgwarden', table: 'ledger' });
  });

  it('reports every problem at once with its line, unknown keys included', () => {
    const problems = problemsOf(
      [
        'migrations: migrations', // 1
        'runnr:', // 2: unknown key
        '  transaction: single', // 3
        'runner:', // 4
        '  transaction: sometimes', // 5: bad enum
        '  lockTimeout: soon', // 6: bad duration
        'environments:', // 7
        '  prod:', // 8
        '    urlEnv: PROD_URL', // 9
        '    protectd: true', // 10: unknown key
      ].join('\n'),
    );
    expect(problems).toEqual([
      '2: unknown key "runnr" at runnr: did you mean "runner"?',
      '5: runner.transaction must be one of "per-migration", "single"',
      '6: runner.lockTimeout is "soon", which is not a Postgres duration: a number and one of the units us, ms, s, min, h, d, written together or with a space, e.g. "5s", "500ms" or "1min" ("0" disables the timeout)',
      '10: unknown key "protectd" at environments.prod.protectd: did you mean "protected"?',
    ]);
  });

  it('takes runner.timeZone as an IANA name, and refuses one that is not, with its line', () => {
    const config = resolveConfig(parseConfig('runner:\n  timeZone: Europe/Paris\n', 'x.yaml'), '/repo/pgwarden.config.yaml', '/repo');
    expect(config.runner.timeZone).toBe('Europe/Paris');
    expect(resolveConfig(parseConfig('runner: {}\n', 'x.yaml'), undefined, '/repo').runner.timeZone).toBeUndefined();
    expect(problemsOf('migrations: migrations\nrunner:\n  timeZone: Mars/Olympus_Mons\n')).toEqual([
      '3: runner.timeZone "Mars/Olympus_Mons" is not a time zone name: use an IANA name such as UTC or Europe/Paris, or remove the key to keep the server\'s',
    ]);
    // A POSIX zone (UTC+3 is three hours west of UTC to Postgres) or an offset is not a name.
    expect(problemsOf("runner:\n  timeZone: 'UTC+3'\n")).toEqual(['2: runner.timeZone "UTC+3" is not a time zone name: use an IANA name such as UTC or Europe/Paris, or remove the key to keep the server\'s']);
    expect(problemsOf("runner:\n  timeZone: '+03:00'\n")).toEqual(['2: runner.timeZone is "+03:00", which is not a time zone name (IANA), e.g. "UTC" or "Europe/Paris"; an offset such as "+03:00" is not one']);
  });

  it('a misspelt key gets the closest allowed key; a key near none gets the list of allowed ones', () => {
    expect(problemsOf(['runner:', '  lockTimout: 5s', '  retries: 3', 'migratons: db'].join('\n'))).toEqual([
      '4: unknown key "migratons" at migratons: did you mean "migrations"?',
      '2: unknown key "lockTimout" at runner.lockTimout: did you mean "lockTimeout"?',
      '3: unknown key "retries" at runner.retries: remove it, or use one of "transaction", "lockTimeout", "statementTimeout", "timeZone"',
    ]);
  });

  it('a value a pattern refuses is explained in words with an example, never as the regular expression', () => {
    const problems = problemsOf(
      [
        'runner:', // 1
        '  lockTimeout: 5 seconds', // 2
        '  statementTimeout: 0', // 3: a number, not a string
        'ledger:', // 4
        '  schema: my-ledger', // 5
        'environments:', // 6
        '  bad env:', // 7
        '    urlEnv: 1DB_URL', // 8
        '    passwordEnv: DB-PASSWORD', // 9
        '    provider: testcontainers', // 10
        '    postgresVersion: latest', // 11
        'lint:', // 12
        '  startAfter:', // 13
        '    "*": v2', // 14
      ].join('\n'),
    );
    expect(problems).toEqual([
      '2: runner.lockTimeout is "5 seconds", which is not a Postgres duration: a number and one of the units us, ms, s, min, h, d, written together or with a space, e.g. "5s", "500ms" or "1min" ("0" disables the timeout)',
      '3: runner.statementTimeout is 0, not a string: write it in quotes, as a Postgres duration: a number and one of the units us, ms, s, min, h, d, written together or with a space, e.g. "5s", "500ms" or "1min" ("0" disables the timeout)',
      '5: ledger.schema is "my-ledger", which is not a Postgres name that needs no quotes: letters, digits, _ and $, starting with a letter or _, at most 63 characters, e.g. "pgwarden"',
      '7: environments has the name "bad env", which is not allowed: use an environment name: letters, digits, _, . and -, e.g. "staging"',
      '8: environments.bad env.urlEnv is "1DB_URL", which is not the name of an environment variable: letters, digits and _, not starting with a digit, e.g. "STAGING_DATABASE_URL"',
      '9: environments.bad env.passwordEnv is "DB-PASSWORD", which is not the name of an environment variable: letters, digits and _, not starting with a digit, e.g. "STAGING_DATABASE_URL"',
      '11: environments.bad env.postgresVersion is "latest", which is not a Postgres version written as a string, e.g. "17" or "16.4"',
      '14: lint.startAfter.* is "v2", which is not a revision: digits only, e.g. "20261001090000"',
    ]);
    expect(problems.join('\n')).not.toMatch(/must match pattern|\^\(/);
  });

  it('refuses an unknown rule id in lint.rules and lint.startAfter, with its line and the closest id', () => {
    expect(
      problemsOf(
        [
          'lint:', // 1
          '  rules:', // 2
          '    prefer-text-field: warning', // 3
          '    prefer-text-feild: error', // 4: misspelt
          '    no-such-rule: off', // 5: no such rule
          '  startAfter:', // 6
          '    "*": "20260101000000"', // 7
          '    require-lok-timeout: "20260101000000"', // 8: misspelt
        ].join('\n'),
      ),
    ).toEqual([
      '4: unknown rule "prefer-text-feild" at lint.rules.prefer-text-feild: did you mean "prefer-text-field"?',
      '5: unknown rule "no-such-rule" at lint.rules.no-such-rule: no rule has that id (the closest is "ban-drop-table"; docs/lint.md lists them)',
      '8: unknown rule "require-lok-timeout" at lint.startAfter.require-lok-timeout: did you mean "require-lock-timeout"?',
    ]);
  });

  it('refuses a literal password in a connection string', () => {
    expect(problemsOf('environments:\n  staging:\n    url: postgresql://app:s3cret@db.internal/app\n')).toEqual([
      '3: environments.staging.url contains a password: move the connection string to an environment variable and set urlEnv (or set passwordEnv)',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf('runner:\n  transaction: [single\n');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^\d+: /);
  });
});

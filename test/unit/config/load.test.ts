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
      '2: unknown key "runnr" at runnr: remove it or check its spelling',
      '5: runner.transaction must be one of "per-migration", "single"',
      '6: runner.lockTimeout must match pattern "^(0|[0-9]+(\\.[0-9]+)?\\s*(us|ms|s|min|h|d)?)$"',
      '10: unknown key "protectd" at environments.prod.protectd: remove it or check its spelling',
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
    expect(problemsOf("runner:\n  timeZone: '+03:00'\n")).toEqual(['2: runner.timeZone must match pattern "^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$"']);
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

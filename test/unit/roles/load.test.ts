import { describe, expect, it } from 'vitest';
import { PgwardenError, type Problem } from '../../../src/errors.js';
import { parseRolesFile } from '../../../src/roles/load.js';
import { REFERENCE_ROLES } from '../../integration/roles/support.js';
import { readFileSync } from 'node:fs';

function problemsOf(text: string): Problem[] {
  try {
    parseRolesFile(text, 'roles.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(PgwardenError);
    expect((error as PgwardenError).code).toBe('ROLES_INVALID');
    expect((error as PgwardenError).exitCode).toBe(2);
    return [...(error as PgwardenError).problems];
  }
  throw new Error('expected the file to be refused');
}

const brief = (problems: Problem[]) => problems.map((p) => `${p.line}: ${p.message}`);

describe('parseRolesFile', () => {
  it('accepts the reference roles.yaml', () => {
    const roles = parseRolesFile(readFileSync(REFERENCE_ROLES, 'utf8'), REFERENCE_ROLES);
    expect(Object.keys(roles.spec.roles ?? {})).toEqual(['migrator', 'app_rw', 'app_ro', 'auditor']);
    expect(Object.keys(roles.spec.environments ?? {})).toEqual(['dev', 'staging', 'prod']);
  });

  it('reports every shape problem at once, with lines, sorted', () => {
    const problems = problemsOf(
      [
        'roles:', //                                 1
        '  app:', //                                 2
        '    logn: true', //                         3
        '    connectionLimit: -5', //                4
        '    memberOf: [{role: x, admn: true}]', //  5
        'grant: []', //                              6
        'grants:', //                                7
        '  - to: app', //                            8
        '    schema: public', //                     9
        '    tables: all', //                       10
        '    privileges: [SELECT]', //              11
        'defaultPrivileges:', //                    12
        '  - for: app', //                          13
        '    to: app', //                           14
        '    on: [tables, views]', //               15
        '',
      ].join('\n'),
    );
    expect(brief(problems)).toEqual([
      '3: unknown key "logn" at roles.app.logn: remove it or check its spelling',
      '4: roles.app.connectionLimit must be >= -1',
      '5: unknown key "admn" at roles.app.memberOf.0.admn: remove it or check its spelling',
      '6: unknown key "grant" at grant: remove it or check its spelling',
      '10: grants.0.tables has the wrong form: "*" for every object of the kind in the schema, or a list of names.',
      '15: defaultPrivileges.0.on.1 must be one of "tables", "sequences", "functions", "types", "schemas"',
    ]);
  });

  it('reports every reference and privilege problem at once', () => {
    const problems = problemsOf(
      [
        'roles:', //                                  1
        '  app:', //                                  2
        '    memberOf: [app]', //                     3
        '    password: {env: APP_PASSWORD}', //       4
        '  rds_superuser: {}', //                     5
        '  pg_monitor: {}', //                        6
        '  a: {memberOf: [b]}', //                    7
        '  b: {memberOf: [a]}', //                    8
        'grants:', //                                 9
        '  - to: [app, nobody]', //                  10
        '    schema: public', //                     11
        '    sequences: "*"', //                     12
        '    privileges: [INSERT]', //               13
        '  - to: app', //                            14
        '    schema: public', //                     15
        '    profile: reed', //                      16
        '    tables: [t]', //                        17
        '  - to: PUBLIC', //                         18
        '    schema: public', //                     19
        '    profile: read', //                      20
        '    exclude: [t]', //                       21
        '',
      ].join('\n'),
    );
    expect(brief(problems)).toEqual([
      '3: role "app" cannot be a member of itself',
      '4: role "app" has a password but no login: true',
      '4: role "app" has a password but no passwordVersion: add one (the password is re-set only when it changes)',
      '5: role "rds_superuser" cannot be managed: "rds_superuser" is a predefined or managed-service role',
      '6: role "pg_monitor" cannot be managed: "pg_monitor" is a predefined or managed-service role',
      '7: membership cycle: "a" → "b" → "a"',
      '10: grant to undeclared role "nobody": declare it under roles (PUBLIC is handled by the public block)',
      '13: INSERT is not a privilege on sequences: use USAGE, SELECT, UPDATE',
      '16: unknown profile "reed": use read, write, ddl',
      '18: grant to undeclared role "PUBLIC": declare it under roles (PUBLIC is handled by the public block)',
      '21: exclude only applies to "*": list names or use "*"',
    ]);
  });

  it('reports reference problems together with shape problems, and a group the file does not declare', () => {
    const problems = problemsOf(
      [
        'roles:', //                                          1
        '  fleet_typo:', //                                   2
        '    logn: true', //                                  3  unknown key
        '    memberOf: [nobody, pg_read_all_data, dba]', //   4  nobody is declared nowhere
        'managed:', //                                        5
        '  ignore: [dba]', //                                 6
        'grants:', //                                         7
        '  - to: fleet_b', //                                 8  undeclared
        '    schema: public', //                              9
        '    tables: "*"', //                                10
        '    privileges: [SELCT]', //                        11
        '',
      ].join('\n'),
    );
    expect(brief(problems)).toEqual([
      '3: unknown key "logn" at roles.fleet_typo.logn: remove it or check its spelling',
      '8: grant to undeclared role "fleet_b": declare it under roles (PUBLIC is handled by the public block)',
      '11: SELCT is not a privilege on tables: use SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER, MAINTAIN',
    ]);
    const member = problemsOf('roles:\n  app:\n    memberOf: [nobody]\n');
    expect(brief(member)).toEqual(['3: role "app" is to join "nobody", which the file does not declare: declare it under roles, or list it under managed.ignore when it is managed elsewhere']);
  });

  it('refuses to declare the bootstrap superuser or a role twice', () => {
    const problems = problemsOf('roles:\n  postgres: {}\n  app: {}\nenvironments:\n  dev:\n    roles:\n      app: {login: true}\n');
    expect(brief(problems)).toEqual([
      '2: role "postgres" cannot be managed: "postgres" is reserved (the bootstrap superuser or PUBLIC)',
      '7: role "app" is declared at the top level and again under environments.dev: declare it once',
    ]);
  });

  it('accepts any role name: quoting, not validation, keeps SQL out', () => {
    const roles = parseRolesFile(`roles:\n  'x"; DROP TABLE t; --': {}\n  "o'brien": {}\n`, 'roles.yaml');
    expect(Object.keys(roles.spec.roles ?? {})).toEqual(['x"; DROP TABLE t; --', "o'brien"]);
    expect(brief(problemsOf(`roles:\n  "${'n'.repeat(64)}": {}\n`))).toEqual([expect.stringMatching(/^2: roles: the name "n{64}" is not allowed here \(it must NOT have more than 63 characters\)/)]);
  });

  it('accepts setting names in any case, but not the same name twice', () => {
    expect(parseRolesFile('roles:\n  a:\n    settings: { TimeZone: UTC, search_path: public }\n', 'roles.yaml').spec.roles?.a?.settings).toEqual({ TimeZone: 'UTC', search_path: 'public' });
    expect(brief(problemsOf('roles:\n  a:\n    settings:\n      timezone: UTC\n      TimeZone: UTC\n'))).toEqual([
      '5: setting "TimeZone" is "timezone" again (setting names are case-insensitive): keep one',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(brief(problemsOf('roles:\n  app: {login: true\n'))).toEqual([expect.stringMatching(/^3: /)]);
  });
});

/**
 * The JSON Schema of `pgwarden.config.yaml`. It validates the file (every problem at once, unknown
 * keys rejected) and is published as `pgwarden/config-schema.json` for editors.
 */

import { RULE_IDS } from '../lint/rule-ids.js';

const severity = { enum: ['error', 'warning', 'off'] } as const;
const revision = { type: 'string', pattern: '^[0-9]+$' } as const;
const identifier = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_$]{0,62}$' } as const;
const duration = {
  type: 'string',
  pattern: '^(0|[0-9]+(\\.[0-9]+)?\\s*(us|ms|s|min|h|d)?)$',
  description: 'A Postgres duration such as 5s, 500ms or 1min; 0 disables the timeout.',
} as const;
const environmentVariable = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } as const;
const postgresVersion = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$' } as const;
const environmentName = { pattern: '^[A-Za-z0-9_.-]+$' } as const;
const timeZoneName = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$' } as const;

/**
 * What each pattern of the schema accepts, in words and with an example: a config error says this,
 * not the regular expression. Keyed by the pattern.
 */
export const PATTERN_HELP: Readonly<Record<string, string>> = {
  [duration.pattern]: 'a Postgres duration: a number and one of the units us, ms, s, min, h, d, written together or with a space, e.g. "5s", "500ms" or "1min" ("0" disables the timeout)',
  [revision.pattern]: 'a revision: digits only, e.g. "20261001090000"',
  [identifier.pattern]: 'a Postgres name that needs no quotes: letters, digits, _ and $, starting with a letter or _, at most 63 characters, e.g. "pgwarden"',
  [environmentVariable.pattern]: 'the name of an environment variable: letters, digits and _, not starting with a digit, e.g. "STAGING_DATABASE_URL"',
  [postgresVersion.pattern]: 'a Postgres version written as a string, e.g. "17" or "16.4"',
  [environmentName.pattern]: 'an environment name: letters, digits, _, . and -, e.g. "staging"',
  [timeZoneName.pattern]: 'a time zone name (IANA), e.g. "UTC" or "Europe/Paris"; an offset such as "+03:00" is not one',
};

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://pgwarden.dev/config.schema.json',
  title: 'pgwarden configuration',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    migrations: { type: 'string', description: 'The migrations folder. Default: migrations' },
    schema: { type: 'string', description: 'The documented schema folder. Default: schema' },
    defaultEnvironment: { type: 'string', description: 'The environment used when --env is not given.' },
    runner: {
      type: 'object',
      additionalProperties: false,
      properties: {
        transaction: { enum: ['per-migration', 'single'] },
        lockTimeout: duration,
        statementTimeout: duration,
        timeZone: {
          ...timeZoneName,
          description: "The TimeZone of migration sessions, an IANA name such as UTC or Europe/Paris. Default: not set (the server's, database's or role's).",
        },
      },
    },
    ledger: {
      type: 'object',
      additionalProperties: false,
      properties: { schema: identifier, table: identifier },
    },
    embedded: {
      type: 'object',
      additionalProperties: false,
      properties: {
        dataDir: { type: 'string' },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
      },
    },
    environments: {
      type: 'object',
      propertyNames: environmentName,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          provider: { enum: ['embedded', 'url', 'testcontainers'] },
          url: {
            type: 'string',
            description: 'A connection string WITHOUT password; use urlEnv or passwordEnv for secrets.',
          },
          urlEnv: environmentVariable,
          passwordEnv: environmentVariable,
          protected: { type: 'boolean' },
          postgresVersion,
          driftIgnore: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    lint: {
      type: 'object',
      additionalProperties: false,
      properties: {
        postgresVersion: { type: 'integer', minimum: 10, maximum: 19 },
        rules: { type: 'object', additionalProperties: false, properties: Object.fromEntries(RULE_IDS.map((id) => [id, severity])) },
        startAfter: { type: 'object', additionalProperties: false, properties: Object.fromEntries(['*', ...RULE_IDS].map((id) => [id, revision])) },
      },
    },
    docs: {
      type: 'object',
      additionalProperties: false,
      properties: { requireComment: severity, requirePrimaryKey: severity, requireFkIndex: severity },
    },
    roles: {
      type: 'object',
      additionalProperties: false,
      properties: { file: { type: 'string' } },
    },
  },
} as const;

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
          type: 'string',
          pattern: '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$',
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
      propertyNames: { pattern: '^[A-Za-z0-9_.-]+$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          provider: { enum: ['embedded', 'url', 'testcontainers'] },
          url: {
            type: 'string',
            description: 'A connection string WITHOUT password; use urlEnv or passwordEnv for secrets.',
          },
          urlEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
          passwordEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
          protected: { type: 'boolean' },
          postgresVersion: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$' },
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

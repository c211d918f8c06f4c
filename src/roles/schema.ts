/**
 * The JSON Schema of `roles.yaml`. It checks the shape (every problem at once, unknown keys
 * rejected); the rules that need the whole file (a grant to an undeclared role, a privilege that
 * does not fit its kind) live in validate.ts.
 */

const roleName = {
  type: 'string',
  minLength: 1,
  maxLength: 63,
  pattern: '^[^\\u0000]+$',
  description: 'A role name. Any characters but NUL; pgwarden always quotes it.',
} as const;
const objectName = { type: 'string', minLength: 1, pattern: '^[^\\u0000]+$' } as const;
const roleNames = { oneOf: [roleName, { type: 'array', items: roleName, minItems: 1 }] } as const;
const privilegeList = { type: 'array', items: { type: 'string', pattern: '^[A-Za-z ]+$' }, minItems: 1 } as const;
const privilegeMap = {
  type: 'object',
  additionalProperties: false,
  properties: {
    schema: privilegeList,
    tables: privilegeList,
    sequences: privilegeList,
    functions: privilegeList,
    types: privilegeList,
    columns: privilegeList,
  },
} as const;
const privileges = { oneOf: [privilegeList, privilegeMap] } as const;
const selector = {
  oneOf: [{ const: '*' }, { type: 'array', items: objectName }],
  description: '"*" for every object of the kind in the schema, or a list of names.',
} as const;
const settingValue = { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'array', items: { type: 'string' } }] } as const;

const role = {
  type: 'object',
  additionalProperties: false,
  properties: {
    login: { type: 'boolean' },
    superuser: { type: 'boolean', description: 'Needs --allow-superuser on the command line.' },
    createdb: { type: 'boolean' },
    createrole: { type: 'boolean' },
    inherit: { type: 'boolean' },
    replication: { type: 'boolean' },
    bypassrls: { type: 'boolean' },
    connectionLimit: { type: 'integer', minimum: -1 },
    validUntil: { oneOf: [{ type: 'string', minLength: 1 }, { type: 'null' }] },
    settings: {
      type: 'object',
      // Setting names are case-insensitive in Postgres (TimeZone, timezone): any case is accepted.
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$' },
      additionalProperties: settingValue,
    },
    comment: { oneOf: [{ type: 'string' }, { type: 'null' }] },
    memberOf: {
      type: 'array',
      items: {
        oneOf: [
          roleName,
          {
            type: 'object',
            additionalProperties: false,
            required: ['role'],
            properties: { role: roleName, admin: { type: 'boolean' }, inherit: { type: 'boolean' }, set: { type: 'boolean' } },
          },
        ],
      },
    },
    password: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 1,
      properties: {
        env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        file: { type: 'string', minLength: 1 },
      },
    },
    passwordVersion: { oneOf: [{ type: 'string', minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_.:-]+$' }, { type: 'integer' }] },
  },
} as const;

const roleMap = { type: 'object', propertyNames: roleName, additionalProperties: role } as const;

export const rolesSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://pgwarden.dev/roles.schema.json',
  title: 'pgwarden roles',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    version: { const: 1 },
    managed: {
      type: 'object',
      additionalProperties: false,
      properties: {
        roles: { type: 'array', items: roleName },
        prefixes: { type: 'array', items: { type: 'string', minLength: 1 } },
        ignore: { type: 'array', items: roleName },
        dropUndeclared: { type: 'boolean' },
        reassignOwnedTo: roleName,
      },
    },
    profiles: { type: 'object', propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' }, additionalProperties: privilegeMap },
    roles: roleMap,
    environments: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z0-9_.-]+$' },
      additionalProperties: { type: 'object', additionalProperties: false, properties: { roles: roleMap } },
    },
    grants: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['to', 'schema'],
        properties: {
          to: roleNames,
          schema: objectName,
          profile: { type: 'string' },
          privileges,
          tables: selector,
          sequences: selector,
          functions: selector,
          types: selector,
          columns: { type: 'object', additionalProperties: { type: 'array', items: objectName, minItems: 1 } },
          exclude: { type: 'array', items: objectName },
          withGrantOption: { type: 'boolean' },
        },
      },
    },
    defaultPrivileges: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['for', 'to'],
        properties: {
          for: roleNames,
          schema: objectName,
          to: roleNames,
          profile: { type: 'string' },
          privileges,
          on: { type: 'array', minItems: 1, items: { enum: ['tables', 'sequences', 'functions', 'types', 'schemas'] } },
          withGrantOption: { type: 'boolean' },
        },
      },
    },
    public: {
      type: 'object',
      additionalProperties: false,
      required: ['schemas'],
      properties: {
        schemas: { type: 'array', items: objectName, minItems: 1 },
        noCreateOnSchema: { type: 'boolean' },
        noTablePrivileges: { type: 'boolean' },
        noSecurityDefinerExecute: { type: 'boolean' },
      },
    },
  },
} as const;

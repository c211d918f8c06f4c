import { describe, expect, it } from 'vitest';
import { deltaCallSql, deltaFunctionSql, isDeltaError, parseDelta } from '../../../src/catalog/delta.js';

describe('the delta function', () => {
  it('reads every kind of catalog row but the database and extensions, each only when its lists are not empty', () => {
    const sql = deltaFunctionSql(180000);
    for (const kind of ['relations', 'columns', 'constraints', 'indexes', 'triggers', 'policies', 'sequences', 'functions', 'types', 'acl', 'schemas', 'defaults']) {
      expect(sql).toContain(`INTO r_${kind} FROM`);
    }
    expect(sql).not.toContain('INTO r_database');
    expect(sql).not.toMatch(/\$[1-6](?!\d)/);
    expect(sql).toContain("SET enable_seqscan = 'off'");
  });

  it('leaves seq scans enabled before PostgreSQL 18, whose planners price a disabled scan so high that the plans took seconds a call', () => {
    expect(deltaFunctionSql(170000)).not.toContain('enable_seqscan');
    expect(deltaFunctionSql(150000)).not.toContain('enable_seqscan');
  });

  it('is called with literal, quoted arguments', () => {
    expect(deltaCallSql(42, '1234', { schemas: undefined, excludeSchemas: ["o'brien", 'pgwarden'] })).toBe(
      "SELECT pgwarden_changes.delta(42::pg_catalog.int8, '1234', NULL::pg_catalog.text[], ARRAY['o''brien', 'pgwarden']::pg_catalog.text[]) AS pgwarden_delta",
    );
  });

  it('tells its own errors from a migration\'s', () => {
    expect(isDeltaError({ message: 'permission denied for schema pgwarden_changes' })).toBe(true);
    expect(isDeltaError({ message: 'schema "pgwarden_changes" does not exist' })).toBe(true);
    expect(isDeltaError({ message: 'canceling statement due to statement timeout', where: 'PL/pgSQL function pgwarden_changes.delta(bigint,text[],text[]) line 12 at SQL statement' })).toBe(true);
    expect(isDeltaError({ message: 'relation "jobs" does not exist' })).toBe(false);
  });

  it('reads an error value as no delta', () => {
    expect(parseDelta({ error: 'boom' })).toBeUndefined();
    expect(parseDelta(null)).toBeUndefined();
    const delta = parseDelta({ change_last: '7', change_rows: null, change_sets: [[], [], [], []], change_roles: 'r', change_database: 'd', schemas_read: false, defaults_read: false, rows: null });
    expect(delta?.changes.last).toBe(7);
    expect(delta?.rows).toBeUndefined();
  });
});

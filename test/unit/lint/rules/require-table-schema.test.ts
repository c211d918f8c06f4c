import { describe, expect, it } from 'vitest';
import { rules } from '../../../../src/lint/registry.js';
import { lintHistory, lintRule, messages } from './support.js';

const ID = 'require-table-schema';
const on = { config: { rules: { [ID]: 'error' as const } } };

describe(ID, () => {
  it('is off unless configured', async () => {
    expect(rules.find((r) => r.id === ID)!.defaultSeverity).toBe('off');
    expect(await messages(ID, 'CREATE TABLE my_table (id int);')).toEqual([]);
  });

  it('flags CREATE, CREATE AS, ALTER and DROP TABLE without a schema', async () => {
    expect(await messages(ID, 'CREATE TABLE my_table (id int);\nCREATE TABLE copy AS SELECT 1 AS a;\nALTER TABLE my_table ADD COLUMN name text;\nDROP TABLE my_table, public.other, copy;', on)).toEqual([
      'Table "my_table" is named without a schema: search_path decides the schema it is created in.',
      'Table "copy" is named without a schema: search_path decides the schema it is created in.',
      'Table "my_table" is named without a schema (the history resolves it to "public"): search_path decides which table this is.',
      'Tables "my_table", "copy" are named without a schema (the history resolves them to "public"): search_path decides which table this is.',
    ]);
  });

  it('accepts qualified names, temporary tables, and other statements', async () => {
    const sql = 'CREATE TABLE public.t (id int);\nCREATE TABLE public.c AS SELECT 1;\nALTER TABLE public.t ADD COLUMN n text;\nDROP TABLE public.t;\nCREATE TEMP TABLE tmp (id int4) ON COMMIT DROP;\nCREATE TEMPORARY TABLE other_temp (id int4);\nCREATE TEMP TABLE m AS SELECT 1;\nALTER TABLE other_temp ADD COLUMN x int;\nDROP TABLE other_temp;\nCREATE INDEX i ON t (id);\nCREATE MATERIALIZED VIEW mv AS SELECT 1;';
    expect(await messages(ID, sql, on)).toEqual([]);
  });

  it('writes the schema the history resolves an existing table to, at the name', async () => {
    const history = [
      { revision: '20260101000000', up: 'CREATE SCHEMA app;\nCREATE TABLE app.orders (id bigint);\nSET search_path TO app, public;' },
      { revision: '20260102000000', up: 'ALTER TABLE IF EXISTS orders ADD COLUMN note text;' },
    ];
    const findings = await lintHistory(ID, history, { rules: { [ID]: 'error' } });
    expect(findings.map((f) => [f.column, f.fix?.replacement])).toEqual([[23, 'ALTER TABLE IF EXISTS app.orders ADD COLUMN note text']]);
  });
});

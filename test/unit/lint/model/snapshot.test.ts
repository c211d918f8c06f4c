import { describe, expect, it } from 'vitest';
import { fromSnapshot, toSnapshot } from '../../../../src/lint/model/snapshot.js';
import { applySql, modelOf } from './support.js';

describe('model snapshots', () => {
  it('round-trips a model through JSON', async () => {
    const model = await modelOf(`
      CREATE SCHEMA app;
      CREATE TABLE app.users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email varchar(200) NOT NULL UNIQUE);
      CREATE TABLE jobs (id serial PRIMARY KEY, user_id bigint REFERENCES app.users, state text CHECK (state IS NOT NULL));
      CREATE INDEX jobs_user_id_idx ON jobs (user_id) WHERE user_id IS NOT NULL;
      CREATE VIEW app.v AS SELECT u.email, j.state FROM app.users u JOIN jobs j ON j.user_id = u.id;
      CREATE TYPE mood AS ENUM ('ok', 'sad');
      CREATE FUNCTION f(a int) RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      CREATE TRIGGER jobs_f BEFORE UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION f(1);
      CREATE POLICY jobs_p ON jobs USING (true);
      CREATE EXTENSION citext;
      GRANT SELECT ON jobs TO reader;
      COMMENT ON TABLE jobs IS 'Work to do'; COMMENT ON COLUMN jobs.state IS 'Where it is'; COMMENT ON TYPE mood IS 'How it went';
    `);
    const copy = fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(model))))!;
    expect(toSnapshot(copy)).toEqual(toSnapshot(model));
    for (const kind of ['table', 'view', 'index', 'sequence', 'type', 'function', 'trigger', 'policy', 'extension', 'schema'] as const) expect(copy.objects(kind).sort()).toEqual(model.objects(kind).sort());
    const { owner: _a, ...copied } = copy.table('jobs') as unknown as { owner: number };
    const { owner: _b, ...original } = model.table('jobs') as unknown as { owner: number };
    expect(copied).toEqual(original);
    expect(copy.dependents('app.users', 'email')).toEqual(model.dependents('app.users', 'email'));
    expect(copy.grants()).toEqual(model.grants());
    expect(copy.comment('column public.jobs.state')).toBe('Where it is');
    expect(copy.enumLabels('mood')).toEqual(['ok', 'sad']);
    // The copy is a working model.
    await applySql(copy, 'ALTER TABLE jobs DROP COLUMN state; DROP VIEW app.v;');
    expect([...copy.table('jobs')!.columns.keys()]).toEqual(['id', 'user_id']);
    expect(model.table('jobs')!.columns.has('state')).toBe(true);
  });

  it('keeps what the history did to each name, what the model cannot see, and the search path', async () => {
    const model = await modelOf(`CREATE TABLE t (id int); DROP TABLE t; DO $$ BEGIN PERFORM 1; END $$; SET search_path = app;`);
    const copy = fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(model))))!;
    expect(copy.traces.get('rel:public.t')).toEqual(model.traces.get('rel:public.t'));
    expect(copy.uncertainties).toEqual(model.uncertainties);
    expect(copy.tick).toBe(model.tick);
    // The next migration starts with the path this one left (not public).
    await applySql(copy, 'CREATE TABLE u (id int);', '20260101000001');
    expect(copy.defaultPathCertain()).toBe(false);
  });

  it('keeps the temporary relations the last migration created, and the names earlier ones may have left', async () => {
    const model = await modelOf('CREATE TEMP TABLE scratch (x int);');
    await applySql(model, 'CREATE TEMP TABLE staging (y int);', '20260101000001');
    const copy = fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(model))))!;
    expect([...copy.maybeTemp!]).toEqual(['scratch']);
    expect(copy.table('staging')!.qualified).toBe('pg_temp.staging');
    await applySql(copy, 'SELECT 1;', '20260101000002');
    expect([...copy.maybeTemp!].sort()).toEqual(['scratch', 'staging']);
    expect(copy.table('staging')).toBeUndefined();
  });

  it('refuses what is not a snapshot', () => {
    expect(fromSnapshot(undefined)).toBeUndefined();
    expect(fromSnapshot({ format: 99, tables: [] })).toBeUndefined();
    expect(fromSnapshot('x')).toBeUndefined();
  });
});

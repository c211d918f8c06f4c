import { beforeAll, describe, expect, it } from 'vitest';
import { ensureParser } from '../../../src/sql/parse.js';
import { printedForm, samePrintedMeaning } from '../../../src/sql/printed-form.js';

// pg_get_viewdef(oid, true) of the same views on PostgreSQL 15.x and 18.x.
const PRINTED: Array<[name: string, pg15: string, pg18: string]> = [
  ['one table', ' SELECT customers.id,\n    customers.name\n   FROM vt.customers;', ' SELECT id,\n    name\n   FROM vt.customers;'],
  ['an alias', " SELECT c.name\n   FROM vt.customers c\n  WHERE c.name ~~ 'a%'::text AND (c.region = ANY (ARRAY['eu'::text, 'us'::text]));", " SELECT name\n   FROM vt.customers c\n  WHERE name ~~ 'a%'::text AND (region = ANY (ARRAY['eu'::text, 'us'::text]));"],
  ['a function in FROM', ' SELECT g.g\n   FROM generate_series(1, 3) g(g);', ' SELECT g\n   FROM generate_series(1, 3) g(g);'],
  [
    'a correlated subquery',
    ' SELECT customers.id,\n    ( SELECT max(o.total) AS max\n           FROM vt.orders o\n          WHERE o.cid = customers.id) AS m\n   FROM vt.customers;',
    ' SELECT id,\n    ( SELECT max(o.total) AS max\n           FROM vt.orders o\n          WHERE o.cid = customers.id) AS m\n   FROM vt.customers;',
  ],
  [
    'grouping, ordering',
    ' SELECT customers.region,\n    count(*) AS n,\n    sum(customers.id) AS sum\n   FROM vt.customers\n  GROUP BY customers.region\n HAVING count(*) > 1\n  ORDER BY customers.region;',
    ' SELECT region,\n    count(*) AS n,\n    sum(id) AS sum\n   FROM vt.customers\n  GROUP BY region\n HAVING count(*) > 1\n  ORDER BY region;',
  ],
  ['a window', ' SELECT customers.id,\n    row_number() OVER (PARTITION BY customers.region ORDER BY customers.name) AS row_number\n   FROM vt.customers;', ' SELECT id,\n    row_number() OVER (PARTITION BY region ORDER BY name) AS row_number\n   FROM vt.customers;'],
  ['a subquery in FROM', ' SELECT x.id\n   FROM ( SELECT customers.id\n           FROM vt.customers\n          WHERE customers.region = \'eu\'::text) x;', ' SELECT id\n   FROM ( SELECT customers.id\n           FROM vt.customers\n          WHERE customers.region = \'eu\'::text) x;'],
];

describe('printedForm', () => {
  beforeAll(() => ensureParser());

  it.each(PRINTED)('reads a view printed by Postgres 15 and by 18 as the same (%s)', (_name, pg15, pg18) => {
    expect(pg15).not.toBe(pg18);
    expect(printedForm(pg15)).toBeDefined();
    expect(printedForm(pg15)).toBe(printedForm(pg18));
  });

  it('keeps a qualifier that chooses between relations or levels', () => {
    expect(printedForm('SELECT a.id FROM a JOIN b ON a.x = b.x')).not.toBe(printedForm('SELECT b.id FROM a JOIN b ON a.x = b.x'));
    expect(printedForm('SELECT a.id FROM a, b')).not.toBe(printedForm('SELECT id FROM a, b'));
    // customers.id refers to the outer level: unqualified, it would be the inner relation's id.
    expect(printedForm('SELECT id FROM customers WHERE EXISTS (SELECT 1 FROM orders WHERE orders.cid = customers.id)')).not.toBe(
      printedForm('SELECT id FROM customers WHERE EXISTS (SELECT 1 FROM orders WHERE orders.cid = id)'),
    );
    // A join condition is not in the scope of a single relation.
    expect(printedForm('SELECT 1 FROM (a JOIN b ON a.x = b.x)')).not.toBe(printedForm('SELECT 1 FROM (a JOIN b ON x = b.x)'));
  });

  it('tells different queries apart and does not parse what is not SQL', () => {
    expect(printedForm('SELECT customers.id FROM customers')).not.toBe(printedForm('SELECT customers.name FROM customers'));
    expect(printedForm('SELECT id FROM customers WHERE id > 1')).not.toBe(printedForm('SELECT id FROM customers WHERE id > 2'));
    expect(printedForm('SELECT FROM WHERE (')).toBeUndefined();
  });
});

describe('samePrintedMeaning', () => {
  it('compares constraints, expressions and statements by their parse trees', async () => {
    expect(await samePrintedMeaning('constraint', 'CHECK ((price > (0)::numeric))', 'CHECK (price > 0::numeric)')).toBe(true);
    expect(await samePrintedMeaning('constraint', 'CHECK ((price > (0)::numeric))', 'CHECK ((price >= (0)::numeric))')).toBe(false);
    expect(await samePrintedMeaning('expression', "('pending'::text)", "'pending'::text")).toBe(true);
    expect(await samePrintedMeaning('statement', 'CREATE INDEX i ON public.t USING btree (lower(email))', 'CREATE INDEX i ON public.t USING btree (lower(name))')).toBe(false);
  });
});

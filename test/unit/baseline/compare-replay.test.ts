import { describe, expect, it } from 'vitest';
import { compareReplay } from '../../../src/baseline/baseline.js';
import type { DiffEntry } from '../../../src/catalog/diff.js';

/** A changed default of column public.t.n, printed `before` on the target and `after` on the replay. */
const changedDefault = (before: string, after: string): DiffEntry => ({ kind: 'changed', class: 'structure', objectType: 'column', object: 'public.t.n', path: 'default', before, after });
const changedView = (before: string, after: string): DiffEntry => ({ kind: 'changed', class: 'structure', objectType: 'view', object: 'public.v', path: 'definition', before, after });

describe("baseline's comparison of the target with its replay (as docs --check and drift compare)", () => {
  it('an expression printed differently with another parse tree is a difference, whatever the versions', async () => {
    const entry = changedDefault("'a'::text", "'b'::text");
    expect(await compareReplay([entry], { target: 18, replay: 18 })).toEqual({ differences: [entry], leftOut: [] });
    expect(await compareReplay([entry], { target: 15, replay: 18 })).toEqual({ differences: [entry], leftOut: [] });
    const casts = changedDefault('(n)::text', '((n)::character varying)::text');
    expect((await compareReplay([casts], { target: 18, replay: 18 })).differences).toEqual([casts]);
  });

  it('one with the same tree is no difference, and not listed on the same version; across versions it is left out, with why', async () => {
    const same = changedView(' SELECT t.id\n   FROM t;', ' SELECT id\n   FROM t;');
    expect(await compareReplay([same], { target: 18, replay: 18 })).toEqual({ differences: [], leftOut: [] });
    expect(await compareReplay([same], { target: 15, replay: 18 })).toEqual({
      differences: [],
      leftOut: ['definition of view public.v (printed differently by another major version, same meaning)'],
    });
    expect(await compareReplay([changedDefault('(n + 1)', 'n + 1')], { target: 16, replay: 18 })).toEqual({
      differences: [],
      leftOut: ['default of column public.t.n (printed differently by another major version, same meaning)'],
    });
  });
});

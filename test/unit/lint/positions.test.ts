import { describe, expect, it } from 'vitest';
import { lintSnippet } from '../../../src/lint/engine.js';
import { ruleById } from '../../../src/lint/registry.js';

const rules = [ruleById('disallowed-unique-constraint')!];

async function lintUp(sql: string) {
  return lintSnippet(sql, { postgresVersion: 18, assumeInTransaction: true, rules });
}

describe('finding positions inside a statement', () => {
  it('point at the constraint after multi-byte characters in earlier statements', async () => {
    const tail = 'ALTER TABLE t ADD COLUMN a int, ADD CONSTRAINT u UNIQUE (a);';
    const ascii = await lintUp(`COMMENT ON TABLE t IS 'hello world';\n${tail}`);
    const wide = await lintUp(`COMMENT ON TABLE t IS 'héllo wörld ✓';\n${tail}`);
    expect(ascii.map((f) => [f.line, f.column])).toEqual([[2, 37]]);
    expect(wide.map((f) => [f.line, f.column])).toEqual([[2, 37]]);
  });

  it('cost the same per finding however long the section is (a 1 MB schema dump has thousands)', async () => {
    // Each finding measured the whole section before its statement: quadratic in the section's length.
    // Compare a long section whose statements all get a finding with the same section where none does.
    const section = (n: number, wide: boolean, flagged: boolean) =>
      Array.from(
        { length: n },
        (_, i) => `ALTER TABLE t${i} ADD CONSTRAINT u${i} UNIQUE ${flagged ? '(a)' : `USING INDEX i${i}`}; -- ${wide && i === 0 ? 'é' : 'e'}${'x'.repeat(1000)}`,
      ).join('\n');
    const time = async (sql: string, expected: number) => {
      let best = Infinity;
      for (let run = 0; run < 3; run++) {
        const started = performance.now();
        const findings = await lintUp(sql);
        best = Math.min(best, performance.now() - started);
        expect(findings).toHaveLength(expected);
      }
      return best;
    };
    for (const wide of [false, true]) {
      const quiet = await time(section(1500, wide, false), 0);
      const flagged = await time(section(1500, wide, true), 1500);
      // A finding costs about what the statement's parse does; measuring 1.5 MB per finding cost 10 times more.
      expect(flagged / quiet).toBeLessThan(5);
    }
  }, 120_000);
});

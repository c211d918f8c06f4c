import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/index.js';
import { setOutput } from '../../../src/cli/context.js';

async function run(argv: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  setOutput({ out: () => {}, err: (t) => (err += t), isTTY: false, color: false });
  return { code: await main(argv), err };
}

describe('resolve: how the migration ended', () => {
  it('--applied with --rolled-back is refused as two options that exclude each other, not as a missing one (exit 2, before any connection)', async () => {
    const both = await run(['resolve', '20260101000000', '--applied', '--rolled-back', '--url', 'postgresql://nobody@127.0.0.1:1/none']);
    expect(both.code).toBe(2);
    expect(both.err).toContain('error[USAGE]: --applied and --rolled-back exclude each other: give the one that says how the migration ended');
    expect(both.err).not.toContain('Say how it ended');
    const neither = await run(['resolve', '20260101000000', '--url', 'postgresql://nobody@127.0.0.1:1/none']);
    expect(neither.code).toBe(2);
    expect(neither.err).toContain('error[USAGE]: Say how it ended: --applied (you finished it by hand) or --rolled-back (you undid it).');
  });
});

/**
 * A lease names its process by pid and start time, so that a pid reused by another process is not
 * taken for the holder. Linux reads /proc; elsewhere (macOS, the BSDs) `ps -o lstart=` answers,
 * and that path is run here too, through the `ps` of this machine.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processStartTime } from '../../../src/providers/cluster-lease.js';

describe('processStartTime', () => {
  it('reads /proc on Linux: the same for the same process, different for another, undefined for a dead pid', () => {
    if (process.platform !== 'linux') return;
    const mine = processStartTime(process.pid);
    expect(mine).toMatch(/^\d+$/);
    expect(processStartTime(process.pid)).toBe(mine);
    expect(processStartTime(1)).not.toBe(mine);
    expect(processStartTime(spawnSync('true').pid!)).toBeUndefined();
  });

  it('falls back to ps where there is no /proc: to the second, stable, different for an older process, undefined for a dead pid', () => {
    const mine = processStartTime(process.pid, 'ps');
    expect(mine).toMatch(/^ps \w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4}$/);
    expect(processStartTime(process.pid, 'ps')).toBe(mine);
    // pid 1 started before this test process (at boot, or when the container started).
    expect(processStartTime(1, 'ps')).toMatch(/^ps /);
    expect(processStartTime(1, 'ps')).not.toBe(mine);
    expect(processStartTime(spawnSync('true').pid!, 'ps')).toBeUndefined();
  });
});

/**
 * Phase timings for finding where a command spends its time: `PGWARDEN_TRACE=1 pgwarden up` prints
 * each phase's offset from process start to stderr. Costs nothing when the variable is unset.
 */
const enabled = Boolean(process.env.PGWARDEN_TRACE);

export function trace(phase: string): void {
  if (enabled) process.stderr.write(`[trace] ${performance.now().toFixed(0).padStart(6)} ms  ${phase}\n`);
}

/**
 * Milliseconds on a monotonic clock, for a command's reported duration. Not performance.now(): its
 * first use loads Node's perf_hooks modules (~3 ms of a short run such as lint).
 */
export function clockMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

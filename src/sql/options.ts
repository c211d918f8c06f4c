/** Reading the option lists of parse trees (`REINDEX (...)`, `VACUUM (...)`). */
/**
 * Whether a parenthesised option (`REINDEX (CONCURRENTLY)`, `VACUUM (FULL false)`) is on: written
 * without a value, or with one Postgres reads as true (`true`, `on`, `1`). Undefined when absent.
 */
export function optionIsOn(options: any[] | undefined, name: string): boolean | undefined {
  let on: boolean | undefined;
  for (const option of options ?? []) {
    const def = option?.DefElem;
    if (def?.defname !== name) continue;
    const arg = def.arg;
    if (arg === undefined) on = true;
    else if (arg.String) on = !/^(false|off)$/i.test(String(arg.String.sval));
    else if (arg.Integer) on = (arg.Integer.ival ?? 0) !== 0;
    else if (arg.Boolean) on = arg.Boolean.boolval === true;
    else on = true;
  }
  return on;
}

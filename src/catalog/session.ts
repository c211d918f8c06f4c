import type pg from 'pg';

/**
 * The session settings under which Postgres prints catalog text (types, defaults, definitions)
 * the same way every time, as pg_dump does: nothing is visible through the search path, so every
 * name comes back schema-qualified; timestamptz constants (defaults, CHECK constraints, partition
 * bounds, view queries) print in UTC whatever the server's, the database's or the client's
 * time zone.
 */
export const CATALOG_SETTINGS: Readonly<Record<string, string>> = {
  search_path: '',
  TimeZone: 'UTC',
  DateStyle: 'ISO, MDY',
  IntervalStyle: 'postgres',
  extra_float_digits: '3',
  plan_cache_mode: 'force_generic_plan',
  bytea_output: 'hex',
};

/**
 * Runs `fn` with {@link CATALOG_SETTINGS} in effect on `client`, then puts the previous values
 * back. Works inside or outside the caller's transaction.
 */
export async function withCatalogSettings<T>(client: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  const names = Object.keys(CATALOG_SETTINGS);
  const previous = (await client.query<{ values: string[] }>(`SELECT ARRAY[${names.map((_, i) => `pg_catalog.current_setting($${i + 1})`).join(', ')}] AS values`, names)).rows[0]!.values;
  const allSame = names.every((name, i) => previous[i] === CATALOG_SETTINGS[name]);
  if (allSame) return fn();
  await applySettings(client, CATALOG_SETTINGS);
  let failed = false;
  try {
    return await fn();
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // After an error inside the caller's transaction the restore would fail too; the rollback restores them.
    await applySettings(client, Object.fromEntries(names.map((name, i) => [name, previous[i]!]))).catch((error) => {
      if (!failed) throw error;
    });
  }
}

async function applySettings(client: pg.ClientBase, settings: Record<string, string>): Promise<void> {
  const names = Object.keys(settings);
  await client.query(`SELECT ${names.map((_, i) => `pg_catalog.set_config($${2 * i + 1}, $${2 * i + 2}, false)`).join(', ')}`, names.flatMap((n) => [n, settings[n]!]));
}

/** A statement that applies {@link CATALOG_SETTINGS}: for the transaction (`local`) or the session. */
export function catalogSettingsSql(local: boolean): string {
  return `SELECT ${Object.entries(CATALOG_SETTINGS)
    .map(([name, value]) => `pg_catalog.set_config('${name}', '${value}', ${local})`)
    .join(', ')}`;
}

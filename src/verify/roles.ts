import type pg from 'pg';

/**
 * A statement that creates a role, anywhere in a text: also inside a `DO` block or a function
 * body, where the parser does not look (`CREATE USER MAPPING` creates no role).
 */
const CREATES_ROLE = /\bcreate\s+(?:role|group|user(?!\s+mapping\b))\b/i;

/** Whether SQL text may create a role (see {@link CREATES_ROLE}). */
export function mayCreateRoles(sql: string): boolean {
  return CREATES_ROLE.test(sql);
}

const IDENTIFIER_CHAR = /[\p{L}\p{N}_$]/u;

/**
 * Whether `text` names `role`: the name bounded by characters that cannot continue an identifier,
 * as it is (quoted `"Ops Team"`, in a string for `format('%I', ...)`), or, for a name that needs
 * no quotes, in any case (`CREATE ROLE App_User` creates `app_user`).
 */
export function namesRole(text: string, role: string): boolean {
  const plain = /^[a-z_][a-z0-9_$]*$/.test(role);
  const haystack = plain ? text.toLowerCase() : text;
  for (let at = haystack.indexOf(role); at >= 0; at = haystack.indexOf(role, at + 1)) {
    const before = haystack[at - 1];
    const after = haystack[at + role.length];
    if ((before === undefined || !IDENTIFIER_CHAR.test(before)) && (after === undefined || !IDENTIFIER_CHAR.test(after))) return true;
  }
  return false;
}

/**
 * The roles a verify run creates. Roles belong to the whole server, not to the throwaway
 * database: verify must drop the ones it created (so that a rebuild or a later run can create them
 * again) and never one it did not. Found by comparing `pg_roles` with the names the server had
 * when verify began, so that roles created where the parser cannot see (a `DO` block, a function,
 * a name computed by `format()`) are found too.
 *
 * On a server started for verify alone (`DatabaseHandle.privateServer`: the embedded throwaway
 * cluster, a testcontainers container) nobody else creates roles: every new role is verify's. On a
 * shared server (`--url`) another session may create roles meanwhile: a new role counts as
 * verify's only when the history's SQL (its migrations' statements and its seeds) names it, and
 * the others are {@link unclaimed}, for the report to name. Telling verify's own roles apart by the
 * transaction that created them (`pg_authid.xmin`) is not done: a role created in a PL/pgSQL block
 * with an exception handler gets a subtransaction's id, which no SQL maps back to its top-level
 * transaction, and other sessions' transaction ids interleave with verify's.
 */
export class CreatedRoles {
  private constructor(
    private readonly before: ReadonlySet<string>,
    private readonly texts: readonly string[],
    private readonly everyNewRole: boolean,
  ) {}

  /**
   * Notes the roles the server has now. `texts`: the SQL the run will execute; when none of it
   * creates a role, nothing is read and {@link list} is always empty. `privateServer`: the server
   * was started for this run alone, so every new role is the run's.
   */
  static async start(client: pg.ClientBase, texts: readonly string[], options: { privateServer?: boolean | undefined } = {}): Promise<CreatedRoles> {
    if (!texts.some(mayCreateRoles)) return CreatedRoles.none();
    return new CreatedRoles(new Set(await roleNames(client)), texts, options.privateServer === true);
  }

  /** For a history that creates no role. */
  static none(): CreatedRoles {
    return new CreatedRoles(new Set(), [], false);
  }

  /** Whether the run may create roles at all (then it runs in one database at a time). */
  get tracking(): boolean {
    return this.texts.length > 0;
  }

  /** The new roles since {@link start}, sorted. */
  private async added(client: pg.ClientBase): Promise<string[]> {
    return (await roleNames(client)).filter((role) => !this.before.has(role)).sort();
  }

  private named(role: string): boolean {
    return this.texts.some((text) => namesRole(text, role));
  }

  /** The roles verify created that are on the server now: new since {@link start} and, on a shared server, named by the history. */
  async list(client: pg.ClientBase): Promise<string[]> {
    if (!this.tracking) return [];
    return (await this.added(client)).filter((role) => this.everyNewRole || this.named(role));
  }

  /**
   * New roles since {@link start} that verify does not drop: on a shared server, those the
   * history's SQL does not name (verify cannot tell whether it or another session created them).
   * Always empty on a server started for verify alone.
   */
  async unclaimed(client: pg.ClientBase): Promise<string[]> {
    if (!this.tracking || this.everyNewRole) return [];
    return (await this.added(client)).filter((role) => !this.named(role));
  }

  /**
   * Drops the roles verify created, with what they own and the privileges granted to them in the
   * database `client` is connected to (the other databases verify used are dropped whole).
   * Returns their names.
   */
  async drop(client: pg.ClientBase): Promise<string[]> {
    const roles = await this.list(client);
    for (const role of roles) {
      const name = `"${role.replace(/"/g, '""')}"`;
      await client.query(`DROP OWNED BY ${name}; DROP ROLE ${name}`);
    }
    return roles;
  }
}

async function roleNames(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ rolname: string }>('SELECT rolname FROM pg_catalog.pg_roles');
  return rows.map((r) => r.rolname);
}

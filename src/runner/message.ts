import pg from 'pg';

/** The column name of the statement that opens each migration in a message (progress marker). */
export const UNIT_MARKER = 'pgwarden_unit';

/** What came back while a message ran: how many statements completed. */
export interface MessageTracker {
  statements: number;
}

type PgQuery = {
  handleRowDescription(msg: { fields?: Array<{ name: string }> }): unknown;
  handleCommandComplete(msg: unknown, connection: unknown): unknown;
};

/**
 * Sends `text` as one simple-query message and follows it as it runs: `onUnit` fires when a
 * migration of the message starts (its marker row arrives), and `tracker.statements` counts the
 * statements that completed. Postgres parses a whole message before executing any of it, so an
 * error with no statement completed means the message did not parse and nothing ran.
 */
export function runMessage(client: pg.Client, text: string, tracker: MessageTracker, onUnit: () => void): Promise<void> {
  const Query = (pg as unknown as { Query: new (text: string, values: undefined, callback: (error: Error | null) => void) => PgQuery }).Query;
  return new Promise((resolve, reject) => {
    const query = new Query(text, undefined, (error) => (error ? reject(error) : resolve()));
    const rowDescription = query.handleRowDescription.bind(query);
    query.handleRowDescription = (msg) => {
      if (msg.fields?.[0]?.name === UNIT_MARKER) onUnit();
      return rowDescription(msg);
    };
    const commandComplete = query.handleCommandComplete.bind(query);
    query.handleCommandComplete = (msg, connection) => {
      tracker.statements++;
      return commandComplete(msg, connection);
    };
    client.query(query as unknown as pg.QueryConfig);
  });
}

import { PgwardenError } from '../errors.js';
import { redactUrl } from '../redact.js';
import type { DatabaseHandle } from './types.js';

/**
 * Why testcontainers cannot run here, or undefined when a Docker engine answers. Used by the
 * provider and by tests, which skip with this reason instead of failing.
 */
export async function dockerUnavailableReason(): Promise<string | undefined> {
  let runtime: typeof import('testcontainers');
  try {
    runtime = await import('testcontainers');
  } catch (error) {
    return `the testcontainers package could not be loaded (${((error as Error)?.message ?? String(error)).split('\n')[0]})`;
  }
  try {
    await runtime.getContainerRuntimeClient();
    return undefined;
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    return `no Docker engine is reachable (${message.split('\n')[0]})`;
  }
}

/** Starts `postgres:<version>` in Docker; `close()` removes the container. */
export async function startPostgresContainer(version = '17', environment?: string): Promise<DatabaseHandle> {
  const reason = await dockerUnavailableReason();
  if (reason) {
    throw new PgwardenError('PROVIDER_UNAVAILABLE', `The testcontainers provider needs Docker: ${reason}. Use the embedded provider (the default) or --url.`);
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(`postgres:${version}`).start();
  const url = container.getConnectionUri();
  return {
    url,
    display: redactUrl(url),
    provider: 'testcontainers',
    environment,
    privateServer: true,
    serverVersion: version,
    close: async () => {
      await container.stop();
    },
  };
}

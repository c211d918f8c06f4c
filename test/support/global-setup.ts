import type { TestProject } from 'vitest/node';
import { startThrowawayCluster, type EmbeddedServer } from '../../src/providers/embedded.js';

let server: EmbeddedServer | undefined;

/**
 * One real Postgres for the integration run: `DATABASE_URL` when set, else a throwaway embedded
 * cluster. Tests create their own databases on it (test/support/db.ts).
 */
export async function setup(project: TestProject): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    server = await startThrowawayCluster();
    adminUrl = server.url('postgres');
  }
  project.provide('adminUrl', adminUrl);
  project.provide('embedded', server !== undefined);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    embedded: boolean;
  }
}

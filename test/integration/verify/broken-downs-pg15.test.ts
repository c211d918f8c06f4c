import { afterAll, describe } from 'vitest';
import { throwawayDatabaseOn } from '../../../src/providers/url.js';
import { pg15UnavailableReason, startPg15Cluster, type TestCluster } from '../roles/support.js';
import { brokenDownsSuite } from './broken-downs.js';

const unavailable = pg15UnavailableReason();

// The same broken downs on a second server version, given as a URL: the change log, the delta
// function and the lock sampler are installed on PostgreSQL 15 too, and every incremental snapshot
// is checked against a full read there.
describe.skipIf(unavailable !== undefined)(`verify on Debian's PostgreSQL 15${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let cluster: TestCluster | undefined;
  afterAll(async () => cluster?.stop());
  brokenDownsSuite(async () => {
    cluster = await startPg15Cluster();
    return throwawayDatabaseOn(cluster.url('postgres'));
  });
});

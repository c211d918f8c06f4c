import { describe } from 'vitest';
import { startThrowawayCluster } from '../../../src/providers/embedded.js';
import { rolesLifecycle } from './lifecycle.js';

// Roles are cluster-wide: this file starts its own embedded Postgres 18 instead of sharing the run's.
describe('roles.yaml on the embedded Postgres 18', () => {
  rolesLifecycle(() => startThrowawayCluster());
});

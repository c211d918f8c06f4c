import { describe } from 'vitest';
import { rolesLifecycle } from './lifecycle.js';
import { pg15UnavailableReason, startPg15Cluster } from './support.js';

const unavailable = pg15UnavailableReason();

// Postgres 15 has no membership options (INHERIT/SET came in 16): the plan falls back to
// GRANT ... WITH ADMIN OPTION and the role's INHERIT attribute.
describe.skipIf(unavailable !== undefined)(`roles.yaml on Debian's PostgreSQL 15${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  rolesLifecycle(() => startPg15Cluster());
});

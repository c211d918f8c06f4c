--! Revision: 20261014113000
--! Revises: 20261014100000
--! Description: Create notifications, the outgoing message queue
--
-- Each row is one message to deliver. status is a closed set (pending, sent, failed) and the
-- sender polls by it, hence the index on status the reference schema asks for. A CHECK ties
-- sent_at to status: a message is marked sent exactly when it has a send time. payload is a JSON
-- object (the template's variables), checked here. template_id is nullable (ad hoc messages have no
-- template) and keeps NO ACTION, so a template still referenced by queued messages cannot be
-- deleted; it is indexed like every foreign key.

-- Up Migration
CREATE TABLE notifications (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_notifications PRIMARY KEY,
  type text NOT NULL CONSTRAINT ck_notifications_type CHECK (type IN ('email', 'slack', 'webhook', 'sms')),
  destination text NOT NULL,
  template_id bigint CONSTRAINT fk_notifications_template_id REFERENCES notification_templates (id),
  payload jsonb NOT NULL DEFAULT '{}'::jsonb CONSTRAINT ck_notifications_payload_is_object CHECK (jsonb_typeof(payload) = 'object'),
  status text NOT NULL DEFAULT 'pending' CONSTRAINT ck_notifications_status CHECK (status IN ('pending', 'sent', 'failed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  CONSTRAINT ck_notifications_sent_at CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

CREATE INDEX idx_notifications_status ON notifications (status);
CREATE INDEX idx_notifications_template_id ON notifications (template_id);

COMMENT ON TABLE notifications IS 'Outgoing messages, queued until the sender delivers them.';
COMMENT ON COLUMN notifications.id IS 'Surrogate key.';
COMMENT ON COLUMN notifications.type IS 'Delivery channel: email, slack, webhook or sms.';
COMMENT ON COLUMN notifications.destination IS 'Where to deliver: an email address, a channel, a URL or a phone number, depending on type.';
COMMENT ON COLUMN notifications.template_id IS 'Template the message is rendered from; NULL for ad hoc messages.';
COMMENT ON COLUMN notifications.payload IS 'Variables for the template, as a JSON object.';
COMMENT ON COLUMN notifications.status IS 'pending, sent or failed.';
COMMENT ON COLUMN notifications.created_at IS 'When the message was queued.';
COMMENT ON COLUMN notifications.sent_at IS 'When the message was delivered; set exactly when status is sent.';

-- Down Migration
DROP TABLE notifications;

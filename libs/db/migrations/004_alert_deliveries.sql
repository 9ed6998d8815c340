-- 004_alert_deliveries: one row per (alert event, channel, target) for every delivery
-- channel, not only webhooks. Replaces webhook_deliveries (001), which nothing ever wrote
-- (dropped below). Statuses: pending (an attempt is due at next_attempt_at), retrying (an attempt
-- failed, the next is due at next_attempt_at), succeeded, dead (retries exhausted or a
-- permanent failure: the dead-letter list), gone (the endpoint answered 410 Gone).
CREATE TABLE alert_deliveries (
  -- The Standard Webhooks webhook-id: the same on every retry and on replay.
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Listing order and the API's cursor: timestamps tie, and lose microseconds in JS Dates.
  seq              bigint GENERATED ALWAYS AS IDENTITY,
  alert_event_id   text NOT NULL REFERENCES alert_events (id) ON DELETE CASCADE,
  rule_id          uuid NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
  owner            text NOT NULL,
  channel          text NOT NULL
                   CONSTRAINT alert_deliveries_channel_check CHECK (channel IN ('websocket', 'webhook', 'email')),
  -- The webhook URL, the email address, or '' for the owner's WebSocket alerts channel.
  target           text NOT NULL DEFAULT '',
  status           text NOT NULL DEFAULT 'pending'
                   CONSTRAINT alert_deliveries_status_check CHECK (status IN ('pending', 'retrying', 'succeeded', 'dead', 'gone')),
  -- Attempts since creation or the last replay; the retry schedule is indexed by it.
  attempts         integer NOT NULL DEFAULT 0 CONSTRAINT alert_deliveries_attempts_check CHECK (attempts >= 0),
  next_attempt_at  timestamptz DEFAULT now(),
  last_attempt_at  timestamptz,
  last_status_code integer,
  last_error       text,
  delivered_at     timestamptz,
  replayed_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  -- A redelivered notification inserts nothing new.
  CONSTRAINT alert_deliveries_event_target_key UNIQUE (alert_event_id, channel, target),
  CONSTRAINT alert_deliveries_due_check CHECK (status NOT IN ('pending', 'retrying') OR next_attempt_at IS NOT NULL),
  CONSTRAINT alert_deliveries_target_check CHECK ((channel = 'websocket') = (target = ''))
);
CREATE UNIQUE INDEX alert_deliveries_seq_key ON alert_deliveries (seq);
-- The delivery workers (status IN ('pending','retrying') AND next_attempt_at <= now()) and
-- the dead-letter count.
CREATE INDEX alert_deliveries_due_idx ON alert_deliveries (status, next_attempt_at);
-- GET /v2/alerts/deliveries, newest first, with and without a status filter.
CREATE INDEX alert_deliveries_owner_seq_idx ON alert_deliveries (owner, seq DESC);
CREATE INDEX alert_deliveries_owner_status_seq_idx ON alert_deliveries (owner, status, seq DESC);
-- Deleting a rule cascades here; a 410 closes the rule's other open deliveries to the URL.
CREATE INDEX alert_deliveries_rule_idx ON alert_deliveries (rule_id, channel, target);

-- Replaced by alert_deliveries; never written by any release.
DROP TABLE webhook_deliveries;

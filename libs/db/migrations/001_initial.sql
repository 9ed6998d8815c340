-- 001_initial: the schema of DESIGN section 6. docs/database.md explains every table.
-- Runs on PostgreSQL 15 and PGlite alike: core features only, no extensions.
-- Never edit this file once applied anywhere: add 002_... instead (migrate() checks checksums).

-- Reference data -----------------------------------------------------------------------

-- Ids as DefiLlama spells them: 'coingecko:ethereum' or '<chain>:<address>'.
CREATE TABLE tokens (
  id           text PRIMARY KEY CONSTRAINT tokens_id_check CHECK (position(':' IN id) > 1),
  symbol       text NOT NULL,
  name         text,
  chain        text,                      -- null for chain-less ids (coingecko:*)
  decimals     integer CONSTRAINT tokens_decimals_check CHECK (decimals BETWEEN 0 AND 255),
  coingecko_id text,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tokens_chain_idx ON tokens (chain);

-- Protocols by slug ('uniswap-v3'); delisted ones are kept for history.
CREATE TABLE protocols (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  symbol      text,
  category    text,
  chains      text[] NOT NULL DEFAULT '{}',
  url         text,
  logo        text,
  gecko_id    text,
  listed_at   timestamptz,
  delisted_at timestamptz,
  metadata    jsonb NOT NULL DEFAULT '{}',
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT protocols_delisted_after_listed CHECK (delisted_at IS NULL OR listed_at IS NULL OR delisted_at >= listed_at)
);
CREATE INDEX protocols_category_idx ON protocols (category);
-- "protocols on chain X" (/v2/query/protocols?chains=...): array containment uses GIN.
CREATE INDEX protocols_chains_idx ON protocols USING gin (chains);

-- Time series ----------------------------------------------------------------------------
-- No foreign keys to tokens/protocols: a price may arrive before its token's metadata, and
-- history must never be refused for that. `x < 'Infinity'` also rejects NaN (NaN sorts
-- above Infinity in PostgreSQL, so `x >= 0` alone would let it through).

CREATE TABLE price_points (
  token_id   text NOT NULL,
  ts         timestamptz NOT NULL,
  price      double precision NOT NULL
             CONSTRAINT price_points_price_check CHECK (price >= 0 AND price < 'Infinity'),
  confidence double precision CONSTRAINT price_points_confidence_check CHECK (confidence BETWEEN 0 AND 1),
  source     text,
  -- Also serves "latest price of a token" (backward scan) and per-token time ranges.
  PRIMARY KEY (token_id, ts)
);
-- Time ranges across all tokens (movers, retention deletes).
CREATE INDEX price_points_ts_idx ON price_points (ts);

-- chain = '' is the protocol's total over all chains (a primary key column cannot be null).
CREATE TABLE tvl_points (
  protocol_id text NOT NULL,
  chain       text NOT NULL DEFAULT '',
  ts          timestamptz NOT NULL,
  tvl         double precision NOT NULL
              CONSTRAINT tvl_points_tvl_check CHECK (tvl >= 0 AND tvl < 'Infinity'),
  -- Also serves "latest TVL of a protocol (per chain)" and per-protocol history.
  PRIMARY KEY (protocol_id, chain, ts)
);
-- A chain's (or, with chain = '', everything's) history: /v2/historicalChainTvl/:chain?.
CREATE INDEX tvl_points_chain_ts_idx ON tvl_points (chain, ts);

-- Changes to the points as NOTIFY on '<schema>.<table>' with the row as JSON, so the event
-- processor can take writes made by other systems straight from PostgreSQL. A writer that
-- publishes itself silences them for its transaction: SET LOCAL defi_realtime.notify = 'off'.
CREATE FUNCTION notify_point_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('defi_realtime.notify', true), '') <> 'off' THEN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, row_to_json(NEW)::text);
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER price_points_notify AFTER INSERT OR UPDATE ON price_points
  FOR EACH ROW EXECUTE FUNCTION notify_point_change();
CREATE TRIGGER tvl_points_notify AFTER INSERT OR UPDATE ON tvl_points
  FOR EACH ROW EXECUTE FUNCTION notify_point_change();

-- Ownership --------------------------------------------------------------------------------

-- Only the SHA-256 of a key is stored; the prefix (e.g. 'drt_ab12') lets people tell keys apart.
CREATE TABLE api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  key_prefix   text NOT NULL,
  key_hash     text NOT NULL CONSTRAINT api_keys_key_hash_key UNIQUE
               CONSTRAINT api_keys_key_hash_check CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  name         text NOT NULL DEFAULT '',
  tier         text NOT NULL DEFAULT 'free'
               CONSTRAINT api_keys_tier_check CHECK (tier IN ('free', 'pro', 'enterprise')),
  owner        text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_keys_owner_idx ON api_keys (owner);

-- Alerts ---------------------------------------------------------------------------------
-- The rule's target is in columns (not jsonb) so "rules of this token/protocol" is an index
-- lookup. type names come from libs/protocol; the checks only pin what the prefix implies.
CREATE TABLE alert_rules (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner        text NOT NULL,
  api_key_id   uuid REFERENCES api_keys (id) ON DELETE SET NULL,
  name         text NOT NULL DEFAULT '',
  type         text NOT NULL CONSTRAINT alert_rules_type_check CHECK (type ~ '^(price|tvl)_[a-z_]+$'),
  token_id     text,
  protocol_id  text,
  chain        text,                      -- null: any chain (or the protocol's total)
  threshold    double precision NOT NULL,
  window_sec   integer CONSTRAINT alert_rules_window_check CHECK (window_sec > 0),
  cooldown_sec integer NOT NULL DEFAULT 300 CONSTRAINT alert_rules_cooldown_check CHECK (cooldown_sec >= 0),
  rearm_pct    double precision NOT NULL DEFAULT 0 CONSTRAINT alert_rules_rearm_check CHECK (rearm_pct >= 0),
  channels     jsonb NOT NULL DEFAULT '[]',
  priority     text NOT NULL DEFAULT 'normal',
  enabled      boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT alert_rules_target_check CHECK (
    (starts_with(type, 'price_') AND token_id IS NOT NULL AND protocol_id IS NULL)
    OR (starts_with(type, 'tvl_') AND protocol_id IS NOT NULL AND token_id IS NULL)
  )
);
CREATE INDEX alert_rules_token_idx ON alert_rules (token_id) WHERE token_id IS NOT NULL;
CREATE INDEX alert_rules_protocol_idx ON alert_rules (protocol_id, chain) WHERE protocol_id IS NOT NULL;
CREATE INDEX alert_rules_owner_idx ON alert_rules (owner);

-- id is the deterministic notification id: a redelivered stream message inserts nothing.
CREATE TABLE alert_events (
  id        text PRIMARY KEY,
  rule_id   uuid NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
  owner     text NOT NULL,
  fired_at  timestamptz NOT NULL DEFAULT now(),
  value     double precision NOT NULL,
  threshold double precision NOT NULL,
  message   text NOT NULL,
  payload   jsonb NOT NULL DEFAULT '{}'
);
-- Cooldown ("when did this rule last fire") and a rule's history.
CREATE INDEX alert_events_rule_fired_idx ON alert_events (rule_id, fired_at DESC);
-- A user's alert history.
CREATE INDEX alert_events_owner_fired_idx ON alert_events (owner, fired_at DESC);

-- One row per (alert event, endpoint); the row's id is the Standard Webhooks webhook-id,
-- the same on every retry. pending: waiting for an attempt; failed: last attempt failed,
-- retry due at next_attempt_at; succeeded; dead: retries exhausted (dead-letter list).
CREATE TABLE webhook_deliveries (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  alert_event_id   text NOT NULL REFERENCES alert_events (id) ON DELETE CASCADE,
  rule_id          uuid NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
  url              text NOT NULL,
  status           text NOT NULL DEFAULT 'pending'
                   CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'succeeded', 'failed', 'dead')),
  attempts         integer NOT NULL DEFAULT 0 CONSTRAINT webhook_deliveries_attempts_check CHECK (attempts >= 0),
  next_attempt_at  timestamptz DEFAULT now(),
  last_status_code integer,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT webhook_deliveries_event_url_key UNIQUE (alert_event_id, url),
  CONSTRAINT webhook_deliveries_due_check CHECK (status NOT IN ('pending', 'failed') OR next_attempt_at IS NOT NULL)
);
-- The delivery worker: WHERE status IN ('pending','failed') AND next_attempt_at <= now().
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_rule_idx ON webhook_deliveries (rule_id);

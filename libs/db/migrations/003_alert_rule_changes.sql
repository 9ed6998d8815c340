-- 003_alert_rule_changes: every change to a rule is announced on '<schema>.alert_rules' with
-- {"op": "INSERT"|"UPDATE"|"DELETE", "id": "<uuid>"}, so every alert-engine worker updates
-- its in-memory rule index at once, whichever process changed the rule.
-- (002 is the query-api's; numbers are taken in the order the work was planned.)
CREATE FUNCTION notify_alert_rule_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  rule_id uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
  PERFORM pg_notify(TG_TABLE_SCHEMA || '.alert_rules', json_build_object('op', TG_OP, 'id', rule_id)::text);
  RETURN NULL;
END;
$$;
CREATE TRIGGER alert_rules_notify AFTER INSERT OR UPDATE OR DELETE ON alert_rules
  FOR EACH ROW EXECUTE FUNCTION notify_alert_rule_change();

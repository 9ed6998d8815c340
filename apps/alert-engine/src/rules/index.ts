// The alert rules REST API and what other parts of the alert engine reuse from it.
export { ruleRoutes } from './routes';
export type { RuleRoutesOptions } from './routes';
export { RuleStore } from './rule-store';
export type { CreateRuleResult, RuleAuthor, RuleFilter, RulePage, RuleWrite } from './rule-store';
export { listRuleEvents, AlertEventViewSchema } from './rule-history';
export type { AlertEventPage, AlertEventView } from './rule-history';
export { AlertRuleViewSchema, RuleChannelViewSchema, toRuleView } from './rule-view';
export type { AlertRuleView, RuleChannelView } from './rule-view';
export { toCreateRule, toDeliveryChannel, toRuleColumns } from './rule-fields';
export { fireTest, testNotification, describeRule } from './test-fire';
export type { OutboxQueue } from './test-fire';
export {
  WEBHOOK_SECRET_PREFIX,
  SECRET_PREFIX_LENGTH,
  newWebhookSecret,
  secretPrefix,
  attachSecrets,
  findDuplicateChannel,
} from './webhook-secrets';
export { encodeCursor, decodeCursor, PAGE_LIMITS } from './cursor';
export type { PageCursor, PageRequest } from './cursor';
export { RULE_COLUMNS, toStoredRule, loadRule, loadEnabledRules } from './stored-rule';
export type { StoredRule, StoredChannel } from './stored-rule';

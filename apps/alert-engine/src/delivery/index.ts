// Alert delivery: what the alert-engine's start() wires.
export { startDelivery } from './start-delivery';
export type { Delivery, DeliveryDeps } from './start-delivery';
export { deliveryRoutes } from './routes';
export type { DeliveryRoutesOptions } from './routes';
export {
  checkDeliveryEnv,
  deliveryEnvShape,
  deliveryOptionsFromEnv,
  resolveDeliveryOptions,
  DELIVERY_DEFAULTS,
} from './config';
export type { DeliveryEnv, DeliveryOptions, EmailTransportOptions, ResolvedDeliveryOptions } from './config';
export { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule, nextRetryDelay } from './retry-schedule';
export { DELIVERY_GROUP } from './outbox-consumer';
export { DELIVERY_CHANNELS, DELIVERY_STATUSES } from './outcome';
export type { DeliveryChannelName, DeliveryStatus } from './outcome';
export { classifyAddress, PrivateAddressError } from './webhook/address-guard';
export { signWebhook, webhookSecretKey } from './webhook/signature';
export { WEBHOOK_USER_AGENT } from './webhook/webhook-sender';

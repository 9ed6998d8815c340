import type { Engine } from '@defi-realtime/engine';
import { userAlertsChannel } from '@defi-realtime/protocol';
import { alertEnvelope, webhookBody } from './alert-payload';
import type { ClaimedDelivery } from './delivery-store';
import { renderAlertEmail } from './email/email-content';
import { NO_EMAIL_TRANSPORT, type EmailSender } from './email/email-sender';
import type { AttemptOutcome } from './outcome';
import type { WebhookSender } from './webhook/webhook-sender';

/** The senders of each channel: one attempt of one delivery, whatever its channel. */
export class ChannelSenders {
  constructor(
    private readonly engine: Engine,
    private readonly webhook: WebhookSender,
    /** Undefined when no transport is configured: email deliveries are then dead at once. */
    private readonly email: EmailSender | undefined,
  ) {}

  /** Attempt one delivery; never throws: every failure is an AttemptOutcome. */
  async attempt(delivery: ClaimedDelivery): Promise<AttemptOutcome> {
    try {
      switch (delivery.channel) {
        case 'websocket':
          return await this.#websocket(delivery);
        case 'webhook':
          return await this.#webhook(delivery);
        case 'email':
          return await this.#email(delivery);
        default:
          return { kind: 'permanent', error: `unknown channel ${JSON.stringify(delivery.channel)}` };
      }
    } catch (err) {
      return { kind: 'retry', error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Published to the owner's alerts channel: the gateway sends it to that owner's connections only. */
  async #websocket(delivery: ClaimedDelivery): Promise<AttemptOutcome> {
    let channel: string;
    try {
      channel = userAlertsChannel(delivery.owner);
    } catch (err) {
      return { kind: 'permanent', error: (err as Error).message };
    }
    await this.engine.publish(channel, JSON.stringify(alertEnvelope(delivery.payload)));
    return { kind: 'succeeded' };
  }

  async #webhook(delivery: ClaimedDelivery): Promise<AttemptOutcome> {
    // The secret as the rule has it now: a rotated secret signs the retries too.
    const channel = delivery.ruleChannels.find((c) => c.type === 'webhook' && c.url === delivery.target);
    if (!channel || channel.type !== 'webhook') return channelRemoved(delivery);
    return this.webhook.send({
      id: delivery.id,
      url: delivery.target,
      secret: channel.secret,
      body: webhookBody(delivery.payload),
    });
  }

  async #email(delivery: ClaimedDelivery): Promise<AttemptOutcome> {
    if (!this.email) return { kind: 'permanent', error: NO_EMAIL_TRANSPORT };
    if (!delivery.ruleChannels.some((c) => c.type === 'email' && c.to === delivery.target))
      return channelRemoved(delivery);
    return this.email.send({
      to: delivery.target,
      content: renderAlertEmail(delivery.payload),
      deliveryId: delivery.id,
    });
  }
}

function channelRemoved(delivery: ClaimedDelivery): AttemptOutcome {
  return {
    kind: 'permanent',
    error: `not sent: ${delivery.channel} ${delivery.target} is no longer a channel of rule ${delivery.ruleId}`,
  };
}

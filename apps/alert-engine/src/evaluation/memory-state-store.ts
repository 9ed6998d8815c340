import { STREAMS, type Queue } from '@defi-realtime/queue';
import { INITIAL_STATE, type RuleState } from './rule-state';
import type { CommitResult, RuleRef, RuleStateStore, Transition } from './state-store';

/**
 * Rule states in process memory, for one process (`npm start`): the same compare-and-set
 * as the Redis store; notifications are appended to the outbox through `queue.add`.
 */
export class MemoryStateStore implements RuleStateStore {
  private readonly states = new Map<string, RuleState>();

  constructor(private readonly queue: Queue) {}

  async load(rules: readonly RuleRef[]): Promise<RuleState[]> {
    return rules.map((rule) => this.states.get(rule.id) ?? INITIAL_STATE);
  }

  async commit(transitions: readonly Transition[]): Promise<CommitResult[]> {
    const results: CommitResult[] = [];
    const payloads: string[] = [];
    const previous = new Map<string, RuleState | undefined>();
    // Checked and written synchronously: nothing can interleave in one process.
    for (const t of transitions) {
      const current = this.states.get(t.rule.id) ?? INITIAL_STATE;
      if (current.version !== t.expectedVersion) {
        results.push({ ok: false, current });
        continue;
      }
      previous.set(t.rule.id, this.states.get(t.rule.id));
      this.states.set(t.rule.id, t.state);
      payloads.push(...t.notifications);
      results.push({ ok: true });
    }
    try {
      // Queue calls apply in call order, so the outbox order follows the commits.
      if (payloads.length > 0) await this.queue.add(STREAMS.outbox, payloads);
    } catch (err) {
      // Not appended: undo the states too, so the redelivered events fire again.
      for (const [id, state] of previous) {
        if (state === undefined) this.states.delete(id);
        else this.states.set(id, state);
      }
      throw err;
    }
    return results;
  }

  async delete(ruleIds: readonly string[]): Promise<void> {
    for (const id of ruleIds) this.states.delete(id);
  }

  async close(): Promise<void> {
    this.states.clear();
  }
}

/**
 * Negative script returns, by meaning (bullmq's error-code enum). They are expected
 * outcomes the caller branches on, not failures: Redis errors still reject the call.
 */
export enum ScriptErrorCode {
  /** claimNode: the node's liveness key exists again (it was only slow); nothing to clean. */
  NodeAlive = -1,
  /** claimNode: another survivor already claimed the dead node and cleans it up. */
  NodeClaimed = -2,
  /** heartbeat: this node had been declared down by its peers and its members removed. */
  NodeWasDeclaredDown = -3,
  /** claimNode: the node is no longer registered (already cleaned up and forgotten). */
  NodeUnknown = -4,
  /** commitAlertTransition: another worker moved the rule since its state was read; evaluate again. */
  AlertStateConflict = -5,
}

/** The name of a negative script return, for messages and logs. */
export function scriptErrorName(code: number): string {
  return ScriptErrorCode[code] ?? `unknown script return ${code}`;
}

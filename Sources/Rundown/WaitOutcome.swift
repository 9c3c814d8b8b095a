/// How a wait for rundown ended.
public enum WaitOutcome: Sendable, Equatable {
    /// There were no holders: plain L(0) → C at once; cache-aware CL(0) → CS at once.
    case noHolders
    /// The plain word was already exactly 1 (completed): a documented no-op.
    case alreadyCompleted
    /// Holders were outstanding when the wait began but all had left before it had to sleep
    /// (plain: during the CAS loop; cache-aware: while the slots were swept). Leaves stale.
    case drainedBeforeBlocking
    /// References were outstanding when the wait took effect; it waited until the last one was
    /// released. Leaves stale.
    case blocked
    /// A plain wait on a stale word returned at once, as the documentation promises (the real
    /// kernel hangs here unless RundownCompleted came first: warning WAIT_ON_STALE).
    case staleReturnedAtOnce
}

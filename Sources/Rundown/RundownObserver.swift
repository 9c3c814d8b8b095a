/// Learns, on the slow path only, when a wait is about to sleep and when a release woke it.
///
/// A runtime uses this to know that a thread has parked in a wait (so it can move on) without
/// polling and without slowing acquire and release.
public protocol RundownObserver: AnyObject, Sendable {
    /// On the waiting thread, right before it sleeps; `outstanding` references are still held.
    func rundownWillBlock(_ object: AnyObject, outstanding: Int)
    /// On the releasing thread, right after it signalled the waiter (before the release
    /// returns). Not called when another wait had claimed the block by the time the wake-up
    /// went out: the wait it signalled returned without sleeping, and the new waiter's wake
    /// was spurious (it sleeps again).
    func rundownDidWakeWaiter(_ object: AnyObject)
    /// On the calling thread, at a step boundary inside a routine that takes several steps (a
    /// cache-aware sweep between slots, the passes of cache-aware completed and reinitialize)
    /// and on a woken waiter before its wait returns. A scheduler may park the thread here
    /// until it grants the next step. Only slow paths call it: acquire and release never do.
    func rundownStep(_ object: AnyObject, at point: RundownStepPoint)
}

extension RundownObserver {
    public func rundownStep(_ object: AnyObject, at point: RundownStepPoint) {}
}

/// Where a routine that takes several steps stands when it calls ``RundownObserver/rundownStep(_:at:)``.
public enum RundownStepPoint: Sendable, Hashable {
    /// A cache-aware wait is about to mark `slot`; `total` is what the slots before it held.
    case sweep(slot: Int, total: UInt)
    /// A cache-aware completed is about to set `slot` to 1.
    case completedSlot(Int)
    /// A cache-aware reinitialize is about to write `slot` in `pass` 0 (to 1) or 1 (to 0).
    case reinitializeSlot(pass: Int, slot: Int)
    /// A waiter was woken and is about to return from its wait.
    case woke
    /// Before an atomic operation (`.par granularity=atomic`, through ``RundownAtomicHooks``).
    case atomic(RundownAtomicStep)
}

/// Learns, on the slow path only, when a wait is about to sleep and when a release woke it.
///
/// A runtime uses this to know that a thread has parked in a wait (so it can move on) without
/// polling and without slowing acquire and release.
public protocol RundownObserver: AnyObject, Sendable {
    /// On the waiting thread, right before it sleeps; `outstanding` references are still held.
    func rundownWillBlock(_ object: AnyObject, outstanding: Int)
    /// On the releasing thread, right after it signalled the waiter (before the release returns).
    func rundownDidWakeWaiter(_ object: AnyObject)
}

import Rundown
import Synchronization

/// The session's rundown observer: learns on the waiting thread that a wait is about to sleep,
/// and on the releasing thread that a release woke the waiter. It turns both into settle-gate
/// transitions of the worker concerned, so the coordinator knows when everything has settled.
final class SessionObserver: RundownObserver, @unchecked Sendable {
    /// Workers inside a wait, by the object they wait on.
    private let waiters = Mutex<[ObjectIdentifier: Worker]>([:])
    /// Workers a release woke, in wake order, not yet reported.
    private let woken = Mutex<[Worker]>([])

    /// The coordinator registers a wait before it hands the command to the thread.
    func register(waiter: Worker, on object: AnyObject) {
        waiters.withLock { $0[ObjectIdentifier(object)] = waiter }
    }

    /// Forgets the waiter of `object` (the wait returned without blocking, or was reported).
    func unregister(object: AnyObject) {
        _ = waiters.withLock { $0.removeValue(forKey: ObjectIdentifier(object)) }
    }

    func rundownWillBlock(_ object: AnyObject, outstanding: Int) {
        let worker = waiters.withLock { $0[ObjectIdentifier(object)] }
        worker?.markBlocked()
    }

    func rundownDidWakeWaiter(_ object: AnyObject) {
        guard let worker = waiters.withLock({ $0.removeValue(forKey: ObjectIdentifier(object)) }) else {
            return
        }
        worker.markWoken()
        woken.withLock { $0.append(worker) }
    }

    /// The workers woken since the last call, in wake order.
    func takeWoken() -> [Worker] {
        woken.withLock { list in
            let taken = list
            list.removeAll()
            return taken
        }
    }

    /// True when some release woke a waiter since the last ``takeWoken()``.
    var hasWoken: Bool { woken.withLock { !$0.isEmpty } }
}

import Rundown
import Synchronization

/// The session's rundown observer: learns on the waiting thread that a wait is about to sleep,
/// and on the releasing thread that a release woke the waiter. It turns both into settle-gate
/// transitions of the worker concerned, so the coordinator knows when everything has settled.
final class SessionObserver: RundownObserver, @unchecked Sendable {
    /// Workers inside a wait, by the object they wait on, in the order the coordinator sent
    /// the waits. Several at once only when waits race (`.par`, misuse): the library lets one
    /// of them own the wait block and refuses the others, so at most one of them sleeps.
    /// A short list searched in order: waits in flight are few, and a dictionary keyed by
    /// `ObjectIdentifier` made every start-up search all conformance records for `Hashable`.
    private let waiters = Mutex<[Waits]>([])

    private struct Waits {
        let object: ObjectIdentifier
        var workers: [Worker]
    }

    /// Workers a release woke, in wake order, not yet reported.
    private let woken = Mutex<[Worker]>([])
    /// True while ``woken`` is not empty (changed under its lock): the coordinator asks after
    /// every release, and most woke nobody.
    private let anyWoken = Atomic<Bool>(false)

    /// While a `.par` block is explored: the worker granted the current step. Nil otherwise,
    /// and then step boundaries cost nothing.
    private let stepping = Mutex<Worker?>(nil)
    /// True while a `.par` block is explored.
    private let exploring = Atomic<Bool>(false)
    /// True while a `.par granularity=atomic` block is explored: the atomic hooks make the
    /// steps, so the routines' own step points (sweep, completed, reinitialize) do not pause.
    private let atomicSteps = Atomic<Bool>(false)

    /// The coordinator registers a wait before it hands the command to the thread.
    func register(waiter: Worker, on object: AnyObject) {
        let id = ObjectIdentifier(object)
        waiters.withLock { list in
            if let at = list.firstIndex(where: { $0.object == id }) {
                if !list[at].workers.contains(where: { $0 === waiter }) { list[at].workers.append(waiter) }
            } else {
                list.append(Waits(object: id, workers: [waiter]))
            }
        }
    }

    /// Forgets `waiter` as a waiter of `object` (its wait returned, was refused, or was
    /// reported); the other waits on `object` stay registered.
    func unregister(_ waiter: Worker, object: AnyObject) {
        let id = ObjectIdentifier(object)
        waiters.withLock { Self.remove(waiter, id, from: &$0) }
    }

    private static func remove(_ waiter: Worker, _ id: ObjectIdentifier, from list: inout [Waits]) {
        guard let at = list.firstIndex(where: { $0.object == id }) else { return }
        list[at].workers.removeAll { $0 === waiter }
        if list[at].workers.isEmpty { list.remove(at: at) }
    }

    /// The workers waiting on `object`, in the order their waits were sent.
    private static func workers(on id: ObjectIdentifier, in list: [Waits]) -> [Worker] {
        list.first { $0.object == id }?.workers ?? []
    }

    /// Turns step control on (a `.par` block is being explored) or off.
    func setExploring(_ on: Bool, atomic: Bool = false) {
        exploring.store(on, ordering: .sequentiallyConsistent)
        atomicSteps.store(on && atomic, ordering: .sequentiallyConsistent)
        if !on { stepping.withLock { $0 = nil } }
    }

    /// The worker about to take a step (it parks at the next step boundary).
    func setStepping(_ worker: Worker?) {
        stepping.withLock { $0 = worker }
    }

    /// Forgets every waiter (a schedule starts over from the saved state).
    func forgetAll() {
        waiters.withLock { $0.removeAll() }
        woken.withLock { list in
            list.removeAll()
            anyWoken.store(false, ordering: .releasing)
        }
    }

    func rundownStep(_ object: AnyObject, at point: RundownStepPoint) {
        guard exploring.load(ordering: .sequentiallyConsistent) else { return }
        if point != .woke && atomicSteps.load(ordering: .sequentiallyConsistent) { return }
        // A woken waiter parks at its return step on its own thread: the worker that thread
        // serves (not a guess by object, which two racing waits would share).
        let worker = point == .woke ? Worker.current : stepping.withLock { $0 }
        worker?.pauseForStep(at: point)
    }

    func rundownWillBlock(_ object: AnyObject, outstanding: Int) {
        // On the waiting thread: that thread's worker, if its wait is still registered (a
        // release that already reported the wake took it off, and then it does not sleep).
        guard let worker = Worker.current else { return }
        let id = ObjectIdentifier(object)
        let registered = waiters.withLock { Self.workers(on: id, in: $0).contains { $0 === worker } }
        if registered { worker.markBlocked() }
    }

    func rundownDidWakeWaiter(_ object: AnyObject) {
        // The waiter that slept on the block: blocked, or already parked at its return step
        // (it can wake and park before this release reports the wake). Only one wait owns the
        // block, so only one registered waiter can be either; failing both (the waiter has not
        // reached its sleep yet, which only free-running threads allow), the first.
        let id = ObjectIdentifier(object)
        let worker: Worker? = waiters.withLock { list in
            let candidates = Self.workers(on: id, in: list)
            guard
                let chosen = candidates.first(where: { $0.status == .blocked })
                    ?? candidates.first(where: { $0.status == .paused && $0.pausePoint == .woke })
                    ?? candidates.first
            else { return nil }
            Self.remove(chosen, id, from: &list)
            return chosen
        }
        guard let worker else { return }
        worker.markWoken()
        woken.withLock { list in
            list.append(worker)
            anyWoken.store(true, ordering: .releasing)
        }
    }

    /// True when a release woke a waiter since the last ``takeWoken()``.
    var wokeAny: Bool { anyWoken.load(ordering: .acquiring) }

    /// The workers woken since the last call, in wake order.
    /// Called once every thread has settled, so every wake reported so far is seen here.
    func takeWoken() -> [Worker] {
        guard anyWoken.load(ordering: .acquiring) else { return [] }
        return woken.withLock { list in
            let taken = list
            list.removeAll()
            anyWoken.store(false, ordering: .releasing)
            return taken
        }
    }
}

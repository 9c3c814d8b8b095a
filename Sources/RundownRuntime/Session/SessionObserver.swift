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

    /// Waiters by object, kept after a wake until the wait returns: a woken waiter parks at
    /// its return step while a `.par` block is explored.
    private let stepWaiters = Mutex<[ObjectIdentifier: Worker]>([:])
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
        waiters.withLock { $0[ObjectIdentifier(object)] = waiter }
        stepWaiters.withLock { $0[ObjectIdentifier(object)] = waiter }
    }

    /// Forgets the waiter of `object` (the wait returned without blocking, or was reported).
    func unregister(object: AnyObject) {
        _ = waiters.withLock { $0.removeValue(forKey: ObjectIdentifier(object)) }
        _ = stepWaiters.withLock { $0.removeValue(forKey: ObjectIdentifier(object)) }
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
        stepWaiters.withLock { $0.removeAll() }
        woken.withLock { $0.removeAll() }
    }

    func rundownStep(_ object: AnyObject, at point: RundownStepPoint) {
        guard exploring.load(ordering: .sequentiallyConsistent) else { return }
        if point != .woke && atomicSteps.load(ordering: .sequentiallyConsistent) { return }
        let worker: Worker?
        if point == .woke {
            worker = stepWaiters.withLock { $0[ObjectIdentifier(object)] }
        } else {
            worker = stepping.withLock { $0 }
        }
        worker?.pauseForStep(at: point)
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

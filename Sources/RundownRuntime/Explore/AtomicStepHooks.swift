import Rundown

/// The hooks of a call made while a `.par granularity=atomic` block is explored: the thread
/// parks before each atomic operation of the library until the scheduler grants its next step.
///
/// The call's first step runs up to and including its first atomic operation, so every step
/// does exactly one atomic operation (or futex call) on shared memory.
final class AtomicStepHooks: RundownAtomicHooks {
    private let worker: Worker
    private var started = false
    let refusesRedirectToMarkedSlotZero: Bool

    init(worker: Worker, refusesRedirectToMarkedSlotZero: Bool = false) {
        self.worker = worker
        self.refusesRedirectToMarkedSlotZero = refusesRedirectToMarkedSlotZero
    }

    func atomicStep(_ step: RundownAtomicStep) {
        if !started {
            started = true
            return
        }
        worker.pauseForStep(at: .atomic(step))
    }
}

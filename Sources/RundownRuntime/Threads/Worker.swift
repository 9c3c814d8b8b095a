import CRundownSupport
import Glibc
import Rundown
import RundownScript
import Synchronization

/// One named, real OS thread that runs the commands a script sends to it (`T: command`). The
/// OS thread comes from ``ThreadPool`` (a parked one, renamed, or a new one) and goes back to it
/// when the worker stops.
///
/// The coordinator hands a job over through a mailbox word: the worker spins on it for a short
/// while after each job (so back-to-back commands cost no system call; see ``SpinWait``) and
/// then parks on a futex. The worker's status is the single source of truth for settling:
/// every change that makes the thread count as running or settled is a compare-and-swap on it,
/// so the ``SettleGate`` counter moves exactly once per change even when the watchdog gives up
/// on a thread that later finishes. A job the coordinator hands over is not counted on the
/// gate (``Status/handedOver``): the coordinator watches the status word itself.
final class Worker: @unchecked Sendable {
    /// What the thread is doing, as far as settling is concerned.
    enum Status: Int {
        case idle = 0
        /// Running, and counted on the ``SettleGate``: woken by a release, or resumed at a
        /// step boundary.
        case running = 1
        case blocked = 2
        case hung = 3
        /// Parked at a step boundary inside a call, until the scheduler grants the next step
        /// (``.par`` exploration only).
        case paused = 4
        /// Running the job the coordinator handed over, and not counted on the gate: the
        /// coordinator watches this status word itself (``SettleGate/watch(_:whileEqualTo:)``),
        /// which it fetches anyway to see how the job ended. A command then moves the mailbox's
        /// line to the thread and back, and the gate's counter stays in the coordinator's
        /// cache (counting it cost two more line transfers per command).
        case handedOver = 5

        /// Running, counted on the gate or not.
        var isRunning: Bool { self == .running || self == .handedOver }
    }

    /// The name the script uses (`main`, `W`, ...); also the OS thread's name.
    let name: String
    private let gate: SettleGate
    /// The mailbox's cache line also holds the status word and the call posted: a command
    /// moves one line to the thread and back (the status and the call would each have cost a
    /// line of their own).
    ///
    /// The mailbox word counts the jobs posted (shifted left by one; bit 0 is set while the
    /// thread sleeps on it). The thread sees a new job by the count, so it writes nothing to
    /// the line when it takes one: while the coordinator watches the status word in this line,
    /// each write the thread makes to it costs a transfer of the line.
    private let mailbox = FutexWord(0)
    /// Jobs posted so far (the coordinator's count).
    @exclusivity(unchecked) private var postsMade: UInt32 = 0
    /// 1 while the thread is parked at a step boundary; the scheduler stores 0 to let it go.
    private let baton = FutexWord(0)
    /// In the mailbox's line (``Status`` raw values).
    private let statusWord: UnsafeMutablePointer<Atomic<Int>>
    /// In the mailbox's line: the ``PendingCall`` posted, unretained (``call`` keeps it alive),
    /// so that the thread takes no reference count on it; nil when a closure was posted.
    private let postedCall: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// In the mailbox's line: what the thread needs of the call posted, and its common results.
    private let slot: UnsafeMutablePointer<CallSlot>
    /// How long an idle worker spins before it parks, in nanoseconds.
    private let spinNanoseconds: UInt64
    /// How long a worker whose thread has just started spins for its first job. A session
    /// starts `main` before it parses the first line, and a first parse (tables built, code
    /// paged in) takes 100-200 µs: a thread that parked after the usual 40 µs had to be woken
    /// by a system call, and its processor woken from idle, for the first command. Spent once
    /// per thread start, and only until the first job arrives.
    static let firstJobSpinNanoseconds: UInt64 = 1_000_000
    private var job: (() -> Void)?
    /// The routine call posted last (the common job: no closure). Coordinator-owned: it keeps
    /// the call alive while the thread runs it, and after the watchdog gave up on the thread.
    @exclusivity(unchecked) private var call: PendingCall?
    private var stopping = false
    /// Coordinator-owned: a stop was requested and not yet waited for.
    private var stopRequested = false
    /// 1 once ``run()`` has returned (the thread no longer touches this worker); 2 while
    /// ``stop()`` sleeps waiting for that.
    private let exited = FutexWord(0)
    @exclusivity(unchecked) private var started = false

    // MARK: Coordinator-owned state (read and written only by the session's thread)
    // The coordinator-owned fields a command touches are not checked for exclusive access at
    // run time (see ``Session``): `postsMade`, `call`, `started` and these.

    /// The virtual processor the thread runs on (`.cpu T N`); selects cache-aware slots.
    @exclusivity(unchecked) var cpu = 0
    /// The thread's IRQL (`.irql T LEVEL`).
    @exclusivity(unchecked) var irql = 0
    /// The command in progress while the thread is running or blocked.
    @exclusivity(unchecked) var current: PendingCall?
    /// Where the thread last parked at a step boundary (written by the thread before it
    /// settles, read by the coordinator after).
    var pausePoint: RundownStepPoint?
    /// Creation order, for stable listings.
    let ordinal: Int

    init(name: String, ordinal: Int, gate: SettleGate, spinNanoseconds: UInt64 = 40_000) {
        self.name = name
        self.ordinal = ordinal
        self.gate = gate
        self.spinNanoseconds = spinNanoseconds
        let nowhere = SourceLocation(file: "", line: 0)
        laneCall = PendingCall(
            operation: .acquire, display: "", thread: name, location: nowhere, topLine: nil, handle: nil,
            handleLocation: nowhere, handleLength: 1, count: 1, binding: nil)
        statusWord = mailbox.lineRest.bindMemory(to: Atomic<Int>.self, capacity: 1)
        statusWord.initialize(to: Atomic(Status.idle.rawValue))
        postedCall = (mailbox.lineRest + 8).bindMemory(to: UnsafeMutableRawPointer?.self, capacity: 1)
        postedCall.initialize(to: nil)
        precondition(
            MemoryLayout<CallSlot>.size <= CallSlot.capacity && MemoryLayout<CallSlot>.alignment <= 8)
        slot = (mailbox.lineRest + 16).bindMemory(to: CallSlot.self, capacity: 1)
    }

    /// The worker whose thread calls this, or nil on any other thread (the coordinator, a
    /// thread of the library's own tests). Exact: each worker thread records its worker in a
    /// thread-local word while it serves it.
    static var current: Worker? {
        guard let context = rd_thread_context() else { return nil }
        return Unmanaged<Worker>.fromOpaque(context).takeUnretainedValue()
    }

    var status: Status { Worker.status(statusWord) }

    /// Starts the thread: a parked one of ``ThreadPool``, or a new one. Returns false when the
    /// system refuses a new thread.
    func start() -> Bool {
        if started { return true }
        exited.store(0)
        guard ThreadPool.run(self) else { return false }
        started = true
        return true
    }

    /// Hands a job to the thread. The thread counts as running until the job returns or the
    /// job parks in a wait (``markBlocked()``).
    func post(_ work: @escaping () -> Void) {
        job = work
        postedCall.pointee = nil
        handOver()
    }

    /// Hands a routine call to the thread, which runs it from the call's ``CallSlot``
    /// (``PendingCall/execute(_:call:)``).
    func post(_ pending: PendingCall) {
        call = pending
        slot.initialize(to: CallSlot(pending))
        postedCall.pointee = Unmanaged.passUnretained(pending).toOpaque()
        handOver()
    }

    /// True once the thread was started (and not stopped or given up on).
    var isStarted: Bool { started }

    /// Posted with every lane command (``post(lane:operation:count:)``), for the one thing
    /// the thread may write outside the slot: a result the slot cannot hold, which
    /// ``PendingCall/execute(_:call:)`` writes into the call's ``PendingCall/result``. A plain
    /// acquire or a release the contract check passed leaves none; the session moves one it
    /// finds to the call it then makes (``Session/runLane(_:_:at:)``).
    let laneCall: PendingCall

    /// Hands a plain routine call to the thread without a ``PendingCall`` of its own
    /// (``Session/runLane(_:_:at:)``): the slot says everything the thread needs.
    func post(lane object: Unmanaged<RundownRef>, operation: Operation, count: UInt32) {
        call = nil
        slot.initialize(
            to: CallSlot(
                plain: object.toOpaque(), operation: operation, count: count,
                cpu: Int32(truncatingIfNeeded: cpu)))
        postedCall.pointee = Unmanaged.passUnretained(laneCall).toOpaque()
        handOver()
    }

    /// What the thread left in the mailbox's line for the call it returned from.
    var returned: CallSlot { slot.pointee }

    /// Makes `pending` the call this thread runs (a lane command that needs the general path
    /// after all: ``collectResult(of:)`` then reads the slot for it).
    func adopt(_ pending: PendingCall) {
        call = pending
    }

    /// Gives `pending`, the call this thread has returned from, the result the thread left in
    /// the mailbox's line (the coordinator, before it reads ``PendingCall/result``).
    func collectResult(of pending: PendingCall) {
        guard call === pending else { return }
        pending.collect(from: slot.pointee)
    }

    private func handOver() {
        statusWord.pointee.store(Status.handedOver.rawValue, ordering: .sequentiallyConsistent)
        gate.watch(statusWord, whileEqualTo: Status.handedOver.rawValue)
        ring()
    }

    /// Posts the next job's count, waking the thread if it sleeps.
    private func ring() {
        postsMade &+= 1
        if mailbox.exchange(postsMade &<< 1) & 1 != 0 { mailbox.wakeAll() }
    }

    /// Called on this thread by the rundown observer right before it sleeps in a wait.
    func markBlocked() {
        if transition(from: .running, to: .blocked) {
            gate.leave()
        } else if transition(from: .handedOver, to: .blocked) {
            gate.watchedSettled()
        }
    }

    /// Called on the releasing thread when its release woke this (blocked) thread: the thread
    /// counts as running again before the release returns, so the coordinator waits for it.
    ///
    /// The gate is entered before the status says running: once it says running, the woken
    /// thread may finish and leave at once, and a leave before the enter could take the count
    /// to zero while the releasing thread is still inside its call. The coordinator then saw
    /// everything settled, found the releaser not yet idle and never completed its release
    /// (the ledger kept a reference the object no longer had; the accounting property test
    /// caught it once in about 25 full runs). A failed swap takes the enter back.
    func markWoken() {
        gate.enter()
        if !transition(from: .blocked, to: .running) { gate.leave() }
    }

    /// Called on this thread at a step boundary while a scheduler controls the steps: settles,
    /// then parks until ``resumeStep()``. A woken waiter may get here before the releasing
    /// thread marked it woken (blocked, not yet running): it then settles without leaving the
    /// gate, and ``markWoken()`` finds it paused and does nothing.
    func pauseForStep(at point: RundownStepPoint) {
        pausePoint = point
        baton.store(1)
        // A release's markWoken may move blocked -> running between the two attempts: try
        // again then, or the thread would run past its step boundary.
        while true {
            if transition(from: .running, to: .paused) {
                gate.leave()
                break
            }
            if transition(from: .handedOver, to: .paused) {
                gate.watchedSettled()
                break
            }
            if transition(from: .blocked, to: .paused) { break }
            let now = status
            if !now.isRunning && now != .blocked {
                baton.store(0)
                return
            }
        }
        var spin = SpinWait(gate.share)
        while baton.load() != 0 {
            spin.turn()
            if spin.turns < 4000 { continue }
            if baton.compareExchange(expected: 1, desired: 2) {
                while baton.load() == 2 { baton.wait(whileEqualTo: 2) }
            }
        }
    }

    /// The scheduler grants the next step of a paused thread: it counts as running again.
    func resumeStep() {
        guard transition(from: .paused, to: .running) else { return }
        gate.enter()
        if baton.exchange(0) == 2 { baton.wakeAll() }
    }

    /// The watchdog gave up on this thread: stop counting it as running.
    func markHung() {
        if transition(from: .running, to: .hung) {
            gate.leave()
        } else {
            _ = transition(from: .handedOver, to: .hung)
        }
    }

    /// Moves the status from `from` to `to` if it is still `from`.
    private func transition(from: Status, to: Status) -> Bool {
        Worker.transition(statusWord, from: from, to: to)
    }

    private static func transition(_ word: UnsafeMutablePointer<Atomic<Int>>, from: Status, to: Status)
        -> Bool
    {
        word.pointee.compareExchange(
            expected: from.rawValue, desired: to.rawValue, ordering: .sequentiallyConsistent
        ).exchanged
    }

    private static func status(_ word: UnsafeMutablePointer<Atomic<Int>>) -> Status {
        Status(rawValue: word.pointee.load(ordering: .sequentiallyConsistent)) ?? .idle
    }

    /// Stops the worker and waits until its thread has left it (the thread goes back to
    /// ``ThreadPool``). Only call when it is idle (not blocked, not hung).
    func stop() {
        requestStop()
        awaitStopped()
    }

    /// Tells an idle worker's thread to leave it (``awaitStopped()`` waits for that): stopping
    /// every worker first and then waiting lets their threads leave in parallel.
    func requestStop() {
        guard started else { return }
        started = false
        stopRequested = true
        stopping = true
        job = nil
        call = nil
        postedCall.pointee = nil
        ring()
    }

    /// Waits until the thread told to stop has left the worker.
    func awaitStopped() {
        guard stopRequested else { return }
        stopRequested = false
        // Spin a little (the thread is awake or wakes at once), yielding when threads
        // outnumber processors; then sleep: 2 says a waiter sleeps, so that the thread wakes it.
        var spin = SpinWait(gate.share)
        while exited.load() != 1 {
            if spin.turns < 1000 {
                spin.turn()
            } else if exited.compareExchange(expected: 0, desired: 2) || exited.load() == 2 {
                exited.wait(whileEqualTo: 2)
            }
        }
    }

    /// Lets a hung thread go: the process may exit without it (pooled threads are detached).
    func abandon() {
        guard started else { return }
        started = false
    }

    // MARK: - The thread

    /// The worker's loop, on its pooled thread, until ``stop()``. What a command touches is
    /// held in locals: the coordinator writes fields of this object on every command (``call``,
    /// ``current``), and a line it writes that the thread reads would travel twice more.
    func run() {
        name.withCString { rd_set_thread_name($0) }
        rd_set_thread_context(Unmanaged.passUnretained(self).toOpaque())
        let mailbox = self.mailbox
        let gate = self.gate
        let word = statusWord
        let slot = self.slot
        let postedCall = self.postedCall
        gate.share.wake()
        var seen: UInt32 = 0
        var spinBudget = max(spinNanoseconds, Worker.firstJobSpinNanoseconds)
        while true {
            Worker.awaitJob(mailbox, seen: &seen, share: gate.share, spinning: spinBudget)
            spinBudget = spinNanoseconds
            // A call first: it is read from the mailbox's line, which the thread has just
            // fetched (a stop posts no call).
            if let posted = postedCall.pointee {
                PendingCall.execute(slot, call: posted)
            } else if stopping {
                stopping = false
                rd_set_thread_context(nil)
                gate.share.sleep()
                if exited.exchange(1) == 2 { exited.wakeAll() }
                return
            } else {
                let work = job
                job = nil
                work?()
            }
            Worker.becomeIdle(word, gate: gate)
        }
    }

    /// The job returned: the thread becomes idle, leaving the gate if it counts on it. Every
    /// change is a compare-and-swap, because a release may still be marking this thread woken:
    /// the library signals a waiter before it reports the wake, so the waiter can return
    /// while its status still says blocked. Whichever of the two swaps wins, the gate moves
    /// once: blocked -> idle here makes the release's blocked -> running fail (no enter);
    /// blocked -> running there makes this loop see running and leave. (A plain store of idle
    /// after a failed swap could overwrite the release's running and keep its enter forever:
    /// every later command then waited out the watchdog.)
    private static func becomeIdle(_ word: UnsafeMutablePointer<Atomic<Int>>, gate: SettleGate) {
        while true {
            switch status(word) {
            case .handedOver:
                if transition(word, from: .handedOver, to: .idle) {
                    gate.watchedSettled()
                    return
                }
            case .running:
                if transition(word, from: .running, to: .idle) {
                    gate.leave()
                    return
                }
            case .blocked:
                if transition(word, from: .blocked, to: .idle) { return }
            case .idle:
                return
            case .hung, .paused:
                // The watchdog gave up on us (it took us off the gate); we finished late.
                let now = status(word)
                if !now.isRunning && now != .blocked && transition(word, from: now, to: .idle) { return }
            }
        }
    }

    /// Waits for the next job (a count in `mailbox` other than `seen`): spins for `spinning`
    /// nanoseconds, then parks.
    private static func awaitJob(
        _ mailbox: FutexWord, seen: inout UInt32, share: ProcessorShare, spinning: UInt64
    ) {
        var spin = SpinWait(share)
        var deadline: UInt64 = 0
        var yieldAfter: UInt64 = 0
        while true {
            let value = mailbox.load()
            if value >> 1 != seen {
                seen = value >> 1
                return
            }
            spin.turn()
            if spin.turns % 64 != 0 { continue }
            let now = rd_now_ns()
            if deadline == 0 {
                deadline = now &+ spinning
                yieldAfter = now &+ SpinWait.longWaitNanoseconds
                continue
            }
            if now < deadline {
                // A job is slow to come: the coordinator may be queued on this processor
                // behind us (``SpinWait/longWaitNanoseconds``).
                if now >= yieldAfter { sched_yield() }
                continue
            }
            let idle = seen &<< 1
            if mailbox.compareExchange(expected: idle, desired: idle | 1) {
                share.sleep()
                while mailbox.load() == idle | 1 {
                    mailbox.wait(whileEqualTo: idle | 1)
                }
                share.wake()
            }
            spin = SpinWait(share)
            deadline = 0
        }
    }
}

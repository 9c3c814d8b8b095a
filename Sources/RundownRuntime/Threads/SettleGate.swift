import CRundownSupport
import Glibc
import Synchronization

/// Counts the worker threads that are still running a command, and lets the coordinator wait
/// until that count is zero: every thread has either finished its command or parked in a wait.
///
/// A thread running the job the coordinator handed it is not counted: the coordinator watches
/// that thread's status word instead (``watch(_:whileEqualTo:)``), so a plain command touches
/// no line but the thread's mailbox and the object's. The counter holds the threads that run
/// without the coordinator having handed them anything: waiters woken by a release, threads
/// resumed at a step boundary. A thread that wakes another counts it before it stops running
/// itself, so the coordinator, which waits for the watched words first, then sees the count.
///
/// Workers decrement from their own threads; the coordinator spins briefly (a hand-off usually
/// takes well under a microsecond on another core), with the pause hint and no system call
/// while every awake thread has a processor (``SpinWait``), and then sleeps on a POSIX
/// semaphore with a deadline, which is the watchdog's backstop. A worker posts the semaphore
/// only when it takes the count to zero, or settles while watched, and the coordinator is
/// parked, so the common case costs no system call. No sleeps are used for synchronization.
final class SettleGate: @unchecked Sendable {
    /// The count and the parked flag, in a cache line of their own: the threads read the flag
    /// on every job they finish, and the coordinator writes the watched fields below on every
    /// command; sharing a line, the two would pass it back and forth each time.
    private let line: UnsafeMutableRawPointer
    private let running: UnsafeMutablePointer<Atomic<Int>>
    private let parked: UnsafeMutablePointer<Atomic<Bool>>
    /// The threads handed a job and not yet seen to settle. Coordinator-only, and an object
    /// of its own: the coordinator writes it on every command, and the threads read this
    /// object's fields.
    private let watching = Watching()
    private let semaphore: UnsafeMutablePointer<sem_t>
    /// The session's threads awake against its processors: how every wait loop spins.
    let share: ProcessorShare

    /// How long the coordinator spins before it parks on the semaphore, in nanoseconds.
    static let spinNanoseconds: UInt64 = 50_000

    /// How often a parked coordinator checks again without being posted (cheap insurance
    /// against a lost post), in nanoseconds.
    let recheckNanoseconds: UInt64

    /// `share`: by default the coordinator that makes the gate, among every session's threads
    /// in the process.
    init(share: ProcessorShare = ProcessorShare(among: .process), recheckNanoseconds: UInt64 = 50_000_000) {
        self.share = share
        self.recheckNanoseconds = recheckNanoseconds
        line = .allocate(byteCount: FutexWord.lineBytes, alignment: FutexWord.lineBytes)
        running = line.bindMemory(to: Atomic<Int>.self, capacity: 1)
        running.initialize(to: Atomic(0))
        parked = (line + 8).bindMemory(to: Atomic<Bool>.self, capacity: 1)
        parked.initialize(to: Atomic(false))
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
    }

    deinit {
        running.deinitialize(count: 1)
        parked.deinitialize(count: 1)
        line.deallocate()
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    /// How many threads are running right now. Forgets the watched threads once none of them
    /// runs, as a wait that settles does: the session may stop and free a worker next (after
    /// the watchdog gave up on a wait, say), and its status word must not stay watched.
    var runningCount: Int {
        var watchedCount = 0
        if let word = watching.word, word.pointee.load(ordering: .sequentiallyConsistent) == watching.running
        {
            watchedCount += 1
        }
        watchedCount += watching.more.count {
            $0.word.pointee.load(ordering: .sequentiallyConsistent) == $0.running
        }
        if watchedCount == 0 {
            watching.word = nil
            watching.more.removeAll(keepingCapacity: true)
        }
        return running.pointee.load(ordering: .sequentiallyConsistent) + watchedCount
    }

    /// Status words watched right now (for tests).
    var watchedWords: Int { (watching.word == nil ? 0 : 1) + watching.more.count }

    /// The coordinator handed a job to the thread whose status is `word`: until `word` holds
    /// something else than `running`, the thread counts as running. Coordinator-only.
    @inline(__always) func watch(_ word: UnsafeMutablePointer<Atomic<Int>>, whileEqualTo running: Int) {
        if watching.word == nil {
            watching.word = word
            watching.running = running
        } else {
            watching.more.append((word, running))
        }
    }

    /// A watched thread settled (its status word no longer says it runs the job handed over):
    /// wakes the coordinator if it sleeps.
    @inline(__always) func watchedSettled() {
        if parked.pointee.load(ordering: .sequentiallyConsistent) {
            if parked.pointee.exchange(false, ordering: .sequentiallyConsistent) { sem_post(semaphore) }
        }
    }

    /// No watched thread runs its job, and no counted thread runs. Forgets the watched threads
    /// once they have all settled.
    @inline(__always) private func settledNow() -> Bool {
        if let word = watching.word {
            if word.pointee.load(ordering: .sequentiallyConsistent) == watching.running { return false }
            if !watching.more.isEmpty {
                for index in watching.more.indices
                where watching.more[index].word.pointee.load(ordering: .sequentiallyConsistent)
                    == watching.more[index].running
                {
                    return false
                }
                watching.more.removeAll(keepingCapacity: true)
            }
            watching.word = nil
        }
        return running.pointee.load(ordering: .sequentiallyConsistent) == 0
    }

    /// A thread starts running without being handed a job (a release woke it, or the
    /// scheduler resumed it at a step boundary).
    @inline(__always) func enter() {
        running.pointee.add(1, ordering: .sequentiallyConsistent)
    }

    /// A counted thread settled (finished, or is about to park in a wait).
    @inline(__always) func leave() {
        let now = running.pointee.subtract(1, ordering: .sequentiallyConsistent).newValue
        if now == 0 && parked.pointee.load(ordering: .sequentiallyConsistent) {
            // One post per park: whoever clears the flag posts.
            if parked.pointee.exchange(false, ordering: .sequentiallyConsistent) { sem_post(semaphore) }
        }
    }

    /// Waits until no thread is running, or until `timeoutNanoseconds` have passed.
    /// Returns `true` when everything settled.
    func awaitSettled(timeoutNanoseconds: UInt64) -> Bool {
        var spin = SpinWait(share)
        var spinDeadline: UInt64 = 0
        var yieldAfter: UInt64 = 0
        while !settledNow() {
            spin.turn()
            if spin.turns % 64 != 0 { continue }
            let now = rd_now_ns()
            if spinDeadline == 0 {
                spinDeadline = now &+ Self.spinNanoseconds
                yieldAfter = now &+ SpinWait.longWaitNanoseconds
            } else if now >= spinDeadline {
                break
            } else if now >= yieldAfter {
                // The thread may be queued on this processor behind us.
                sched_yield()
            }
        }
        if settledNow() { return true }
        let deadline = rd_now_ns() &+ timeoutNanoseconds
        while true {
            parked.pointee.store(true, ordering: .sequentiallyConsistent)
            if settledNow() {
                parked.pointee.store(false, ordering: .sequentiallyConsistent)
                return true
            }
            let now = rd_now_ns()
            if now >= deadline {
                parked.pointee.store(false, ordering: .sequentiallyConsistent)
                return settledNow()
            }
            // Re-check now and then (``recheckNanoseconds``): cheap insurance against a lost
            // post. sem_timedwait takes a CLOCK_REALTIME deadline.
            let wait = min(deadline &- now, recheckNanoseconds)
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            let total = UInt64(ts.tv_nsec) &+ wait
            ts.tv_sec += Int(total / 1_000_000_000)
            ts.tv_nsec = Int(total % 1_000_000_000)
            _ = sem_timedwait(semaphore, &ts)
            // A stale post from an earlier park only makes this loop check once more.
        }
    }
}

/// What the coordinator watches (``SettleGate``).
private final class Watching {
    /// The status word of the thread handed a job and not yet seen to settle, with the value
    /// that says it still runs it (fields, not an array's first element: the wait loop reads
    /// them on every turn, and iterating an array retains its storage).
    var word: UnsafeMutablePointer<Atomic<Int>>?
    var running = 0
    /// Further threads handed a job before the coordinator waited (`.par`).
    var more: [(word: UnsafeMutablePointer<Atomic<Int>>, running: Int)] = []
}

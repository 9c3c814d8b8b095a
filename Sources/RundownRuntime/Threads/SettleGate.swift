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
    private let running = Atomic<Int>(0)
    private let parked = Atomic<Bool>(false)
    /// The status word of the thread handed a job and not yet seen to settle, with the value
    /// that says it still runs it (a field, not an array's first element: the wait loop reads
    /// it on every turn, and iterating an array retains its storage). Coordinator-only.
    private var watchedWord: UnsafeMutablePointer<Atomic<Int>>?
    private var watchedRunning = 0
    /// Further threads handed a job before the coordinator waited (`.par`). Coordinator-only.
    private var moreWatched: [(word: UnsafeMutablePointer<Atomic<Int>>, running: Int)] = []
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
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    /// How many threads are running right now. Forgets the watched threads once none of them
    /// runs, as a wait that settles does: the session may stop and free a worker next (after
    /// the watchdog gave up on a wait, say), and its status word must not stay watched.
    var runningCount: Int {
        var watchedCount = 0
        if let word = watchedWord, word.pointee.load(ordering: .sequentiallyConsistent) == watchedRunning {
            watchedCount += 1
        }
        watchedCount += moreWatched.count {
            $0.word.pointee.load(ordering: .sequentiallyConsistent) == $0.running
        }
        if watchedCount == 0 {
            watchedWord = nil
            moreWatched.removeAll(keepingCapacity: true)
        }
        return running.load(ordering: .sequentiallyConsistent) + watchedCount
    }

    /// Status words watched right now (for tests).
    var watchedWords: Int { (watchedWord == nil ? 0 : 1) + moreWatched.count }

    /// The coordinator handed a job to the thread whose status is `word`: until `word` holds
    /// something else than `running`, the thread counts as running. Coordinator-only.
    @inline(__always) func watch(_ word: UnsafeMutablePointer<Atomic<Int>>, whileEqualTo running: Int) {
        if watchedWord == nil {
            watchedWord = word
            watchedRunning = running
        } else {
            moreWatched.append((word, running))
        }
    }

    /// A watched thread settled (its status word no longer says it runs the job handed over):
    /// wakes the coordinator if it sleeps.
    @inline(__always) func watchedSettled() {
        if parked.load(ordering: .sequentiallyConsistent) {
            if parked.exchange(false, ordering: .sequentiallyConsistent) { sem_post(semaphore) }
        }
    }

    /// No watched thread runs its job, and no counted thread runs. Forgets the watched threads
    /// once they have all settled.
    @inline(__always) private func settledNow() -> Bool {
        if let word = watchedWord {
            if word.pointee.load(ordering: .sequentiallyConsistent) == watchedRunning { return false }
            if !moreWatched.isEmpty {
                for index in moreWatched.indices
                where moreWatched[index].word.pointee.load(ordering: .sequentiallyConsistent)
                    == moreWatched[index].running
                {
                    return false
                }
                moreWatched.removeAll(keepingCapacity: true)
            }
            watchedWord = nil
        }
        return running.load(ordering: .sequentiallyConsistent) == 0
    }

    /// A thread starts running without being handed a job (a release woke it, or the
    /// scheduler resumed it at a step boundary).
    @inline(__always) func enter() {
        running.add(1, ordering: .sequentiallyConsistent)
    }

    /// A counted thread settled (finished, or is about to park in a wait).
    @inline(__always) func leave() {
        let now = running.subtract(1, ordering: .sequentiallyConsistent).newValue
        if now == 0 && parked.load(ordering: .sequentiallyConsistent) {
            // One post per park: whoever clears the flag posts.
            if parked.exchange(false, ordering: .sequentiallyConsistent) { sem_post(semaphore) }
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
            parked.store(true, ordering: .sequentiallyConsistent)
            if settledNow() {
                parked.store(false, ordering: .sequentiallyConsistent)
                return true
            }
            let now = rd_now_ns()
            if now >= deadline {
                parked.store(false, ordering: .sequentiallyConsistent)
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

import CRundownSupport
import Glibc
import Synchronization

/// Counts the worker threads that are still running a command, and lets the coordinator wait
/// until that count is zero: every thread has either finished its command or parked in a wait.
///
/// Workers decrement from their own threads; the coordinator spins briefly (a hand-off usually
/// takes well under a microsecond on another core) and then sleeps on a condition variable with
/// a deadline, which is the watchdog's backstop. No sleeps are used for synchronization.
final class SettleGate: @unchecked Sendable {
    private let running = Atomic<Int>(0)
    private let parked = Atomic<Bool>(false)
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// How many threads are running right now.
    var runningCount: Int { running.load(ordering: .sequentiallyConsistent) }

    /// A thread starts running (a command was handed to it, or a release woke it).
    @inline(__always) func enter() {
        running.add(1, ordering: .sequentiallyConsistent)
    }

    /// A thread settled (finished, or is about to park in a wait).
    @inline(__always) func leave() {
        let now = running.subtract(1, ordering: .sequentiallyConsistent).newValue
        if now == 0 && parked.load(ordering: .sequentiallyConsistent) {
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
    }

    /// Waits until no thread is running, or until `timeoutNanoseconds` have passed.
    /// Returns `true` when everything settled.
    func awaitSettled(timeoutNanoseconds: UInt64, spins: Int = 4000) -> Bool {
        var spin = 0
        while spin < spins {
            if running.load(ordering: .sequentiallyConsistent) == 0 { return true }
            spin += 1
        }
        let deadline = rd_now_ns() &+ timeoutNanoseconds
        pthread_mutex_lock(mutex)
        parked.store(true, ordering: .sequentiallyConsistent)
        var settled = true
        while running.load(ordering: .sequentiallyConsistent) != 0 {
            let now = rd_now_ns()
            if now >= deadline {
                settled = false
                break
            }
            // Re-check at least every 50 ms: cheap insurance against a missed broadcast.
            let until = min(deadline, now &+ 50_000_000)
            var ts = timespec(tv_sec: Int(until / 1_000_000_000), tv_nsec: Int(until % 1_000_000_000))
            pthread_cond_timedwait(condition, mutex, &ts)
        }
        parked.store(false, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(mutex)
        return settled
    }
}

import CRundownSupport
import Glibc
import Synchronization

/// OS threads kept for the next session once a session has stopped its workers.
///
/// `rdsh test` runs hundreds of small scripts in one process, each on a few named threads;
/// creating and joining those threads was most of a file's cost. A ``Worker`` takes a parked
/// thread from here when it starts (and only creates one when none is parked); the thread
/// renames itself to the worker's name, runs the worker until it is stopped, then parks here
/// again. Every command still runs on its named real thread: the thread is only not new.
///
/// ``capacity`` threads wait here for as long as the process runs. Up to ``maximum`` wait
/// here in all: those beyond ``capacity`` end once unused for ``surplusIdleNanoseconds``. A
/// session of a thousand threads so leaves them parked as it finishes, instead of ending
/// nine hundred of them there and then: a thread's end returns its stack to the kernel, which
/// flushes the translation buffers of every processor the process runs on (the benchmark's
/// 1000-thread script spent a tenth of its time there, and grew faster than its thread count
/// from 100 threads to 1000). A thread that finds the pool full ends.
public enum ThreadPool {
    /// Parked threads kept without a time limit.
    public static let capacity = 64
    /// Parked threads kept at most; those beyond ``capacity`` end once unused for a while.
    public static let maximum = 16_384
    /// How long a parked thread beyond ``capacity`` waits for a worker before it ends.
    static let surplusIdleNanoseconds: UInt64 = 1_000_000_000
    /// Stack size of every worker thread.
    static let stackSize = 512 * 1024

    private static let parked = Mutex<[PooledThread]>([])

    /// Threads parked right now.
    public static var parkedCount: Int { parked.withLock { $0.count } }

    /// Parked threads beyond ``capacity`` that ended unused so far.
    @_spi(Testing) public static var surplusEnded: Int { surplusRetired.load(ordering: .relaxed) }
    fileprivate static let surplusRetired = Atomic<Int>(0)

    /// Threads started by ``prestart(_:)`` that have reached the pool so far.
    @_spi(Testing) public static var prestartedParks: Int { prestartedParked.load(ordering: .relaxed) }
    fileprivate static let prestartedParked = Atomic<Int>(0)

    /// Ends every parked thread (the next workers get new threads): for measurements of
    /// thread creation itself.
    public static func drain() {
        let threads = parked.withLock { threads in
            defer { threads.removeAll() }
            return threads
        }
        for thread in threads { thread.end() }
    }

    /// Starts `count` threads that park at once. A program that knows it will need threads
    /// (`rdsh run`) calls this before it reads and parses: the thread is created, and does its
    /// first-run work (stack, thread-local storage, allocator arena), on another processor
    /// meanwhile, and the first worker takes it from the pool. A worker that starts before the
    /// thread has parked makes its own, as without this.
    public static func prestart(_ count: Int) {
        for _ in 0..<count { _ = PooledThread.start(running: nil) }
    }

    /// Runs `worker` on a parked thread, or on a new one; false when the system refuses a new
    /// thread.
    static func run(_ worker: Worker) -> Bool {
        if let thread = parked.withLock({ $0.popLast() }) {
            thread.assign(worker)
            return true
        }
        return PooledThread.start(running: worker)
    }

    /// Parks `thread` for a later worker: its place in the pool (from 0), or nil when the pool
    /// is full (the thread then ends).
    fileprivate static func park(_ thread: PooledThread) -> Int? {
        parked.withLock { threads in
            guard threads.count < maximum else { return nil }
            threads.append(thread)
            return threads.count - 1
        }
    }

    /// Takes `thread`, a surplus thread that waited long enough, out of the pool: true when it
    /// was still there (it ends), false when a worker took it meanwhile (its worker is coming).
    fileprivate static func retire(_ thread: PooledThread) -> Bool {
        let retired = parked.withLock { threads in
            guard let index = threads.lastIndex(where: { $0 === thread }) else { return false }
            threads.remove(at: index)
            return true
        }
        if retired { surplusRetired.add(1, ordering: .relaxed) }
        return retired
    }
}

/// One pooled OS thread: it runs the workers it is given, one at a time.
private final class PooledThread: @unchecked Sendable {
    /// 1 while a worker is waiting to be run; the thread sleeps on it otherwise.
    private let assigned = FutexWord(0)
    private var worker: Worker?

    /// A new detached thread that runs `worker` first, or parks at once when `worker` is nil.
    static func start(running worker: Worker?) -> Bool {
        _ = rd_use_global_futex_hash()
        let thread = PooledThread()
        thread.worker = worker
        if worker != nil { thread.assigned.store(1) }
        let context = Unmanaged.passRetained(thread).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, ThreadPool.stackSize)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var handle = pthread_t()
        let result = pthread_create(
            &handle, &attributes,
            { context in
                Unmanaged<PooledThread>.fromOpaque(context!).takeRetainedValue().loop()
                return nil
            }, context)
        pthread_attr_destroy(&attributes)
        if result != 0 {
            Unmanaged<PooledThread>.fromOpaque(context).release()
            return false
        }
        return true
    }

    /// Hands a parked thread its next worker.
    func assign(_ next: Worker) {
        worker = next
        assigned.store(1)
        assigned.wakeAll()
    }

    /// Tells a parked thread to end.
    func end() {
        worker = nil
        assigned.store(1)
        assigned.wakeAll()
    }

    private func loop() {
        // Parked beyond ``ThreadPool/capacity``: ends once unused for a while.
        var surplus = false
        if worker == nil && assigned.load() == 0 {
            // Started parked (``ThreadPool/prestart(_:)``).
            "rdsh-pool".withCString { rd_set_thread_name($0) }
            guard let place = ThreadPool.park(self) else { return }
            ThreadPool.prestartedParked.add(1, ordering: .relaxed)
            surplus = place >= ThreadPool.capacity
        }
        while true {
            while assigned.load() == 0 {
                if !surplus {
                    assigned.wait(whileEqualTo: 0)
                } else if !assigned.wait(whileEqualTo: 0, nanoseconds: ThreadPool.surplusIdleNanoseconds) {
                    if assigned.load() == 0 && ThreadPool.retire(self) { return }
                    // A worker took this thread out of the pool: it is being assigned.
                    surplus = false
                }
            }
            assigned.store(0)
            guard let current = worker else { return }  // end()
            worker = nil
            current.run()
            "rdsh-pool".withCString { rd_set_thread_name($0) }
            guard let place = ThreadPool.park(self) else { return }
            surplus = place >= ThreadPool.capacity
        }
    }
}

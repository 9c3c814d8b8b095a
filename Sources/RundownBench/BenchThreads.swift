import CRundownSupport
import Glibc
import RundownRuntime
import Synchronization

/// Real threads for measurements: pinned to distinct processors, released together by a
/// start flag, each timing its own loop.
enum BenchThreads {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts a thread running `body`; returns its handle for `join`.
    static func start(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        let result = pthread_create(
            &thread, nil,
            { raw in
                Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            }, context)
        precondition(result == 0, "pthread_create failed (\(result))")
        return thread
    }

    /// The process's OS threads right now (`/proc/self/stat`), or nil when it cannot be read.
    static func osThreadCount() -> Int? {
        guard let file = fopen("/proc/self/stat", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = fread(&buffer, 1, buffer.count, file)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self)
        // After the command's closing parenthesis: state is field 3, num_threads field 20.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 17 ? Int(fields[17]) : nil
    }

    /// Ends rdsh's parked threads and waits (up to 5 s) until they are gone from the process,
    /// so that their ends (each returns a stack to the kernel, which flushes every processor's
    /// translation buffers) do not fall into the next measurement.
    static func drainThreadPool() {
        let before = osThreadCount()
        let parked = ThreadPool.parkedCount
        ThreadPool.drain()
        guard let before else { return }
        let deadline = rd_now_ns() &+ 5_000_000_000
        while let now = osThreadCount(), now > before - parked, rd_now_ns() < deadline { usleep(200) }
    }

    /// The processor thread `index` is pinned to: distinct allowed processors, wrapping.
    static func processor(for index: Int) -> Int32 {
        let count = max(1, Int(rd_online_cpus()))
        let cpu = rd_allowed_cpu(Int32(index % count))
        return cpu < 0 ? 0 : cpu
    }

    /// Runs `work` on `threads` pinned threads at once; returns the wall time in nanoseconds
    /// from the first thread's start to the last thread's end.
    static func timed(threads: Int, _ work: @escaping @Sendable (Int) -> Void) -> UInt64 {
        let ready = Atomic<Int>(0)
        let go = Atomic<Bool>(false)
        let starts = Mutex<[UInt64]>([])
        let ends = Mutex<[UInt64]>([])
        let handles = (0..<threads).map { index in
            start {
                _ = rd_pin_current_thread(processor(for: index))
                ready.add(1, ordering: .sequentiallyConsistent)
                while !go.load(ordering: .acquiring) {}
                let t0 = rd_now_ns()
                work(index)
                let t1 = rd_now_ns()
                starts.withLock { $0.append(t0) }
                ends.withLock { $0.append(t1) }
            }
        }
        while ready.load(ordering: .sequentiallyConsistent) < threads { sched_yield() }
        go.store(true, ordering: .releasing)
        for handle in handles { pthread_join(handle, nil) }
        let first = starts.withLock { $0.min() ?? 0 }
        let last = ends.withLock { $0.max() ?? 0 }
        return last - first
    }
}

/// A counter a thread can sleep on (futex) until it reaches a value.
final class BenchCounter: @unchecked Sendable {
    private let word: UnsafeMutablePointer<Atomic<UInt32>>

    init() {
        word = UnsafeMutablePointer<Atomic<UInt32>>.allocate(capacity: 1)
        word.initialize(to: Atomic(0))
    }

    deinit { word.deallocate() }

    func increment() {
        word.pointee.add(1, ordering: .releasing)
        _ = rd_futex_wake(UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self), Int32.max)
    }

    func wait(atLeast n: UInt32) {
        let raw = UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self)
        while true {
            let current = word.pointee.load(ordering: .acquiring)
            if current >= n { return }
            _ = rd_futex_wait(raw, current)
        }
    }
}

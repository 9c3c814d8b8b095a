import CRundownSupport
import Glibc
import Rundown
import Synchronization
import Testing

/// How long a test waits for a thread or an event before it fails and says what is stuck.
/// A stuck thread is left behind (it cannot be cancelled): the test fails at once instead of
/// hanging the run.
let testDeadlineSeconds: UInt64 = 30

/// A real OS thread running one closure; `join()` waits for it, at most `testDeadlineSeconds`.
final class TestThread: @unchecked Sendable {
    private var thread = pthread_t()
    let name: String

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    init(_ name: String = "thread", _ body: @escaping @Sendable () -> Void) {
        self.name = name
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        let result = pthread_create(
            &thread, nil,
            { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                box.body()
                return nil
            }, context)
        precondition(result == 0, "pthread_create failed: \(result)")
    }

    /// Joins the thread. When it has not finished by the deadline, records an issue naming it
    /// and what `stuck` says about the objects it works on, and returns false (the thread is
    /// left running).
    @discardableResult
    func join(
        stuck: () -> String = { "" }, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        if rd_join_thread_timeout(thread, testDeadlineSeconds * 1_000_000_000) == 0 { return true }
        let detail = stuck()
        Issue.record(
            "thread \(name) still running after \(testDeadlineSeconds) s\(detail.isEmpty ? "" : ": " + detail)",
            sourceLocation: sourceLocation)
        return false
    }
}

/// A counter threads can sleep on (futex): `wait(atLeast:)` returns once `increment()` has been
/// called that many times. No polling.
final class Counter: @unchecked Sendable {
    private let word: UnsafeMutablePointer<Atomic<UInt32>>

    init() {
        word = UnsafeMutablePointer<Atomic<UInt32>>.allocate(capacity: 1)
        word.initialize(to: Atomic(0))
    }

    deinit { word.deallocate() }

    var value: UInt32 { word.pointee.load(ordering: .acquiring) }

    func increment() {
        word.pointee.add(1, ordering: .releasing)
        _ = rd_futex_wake(UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self), Int32.max)
    }

    /// Returns once the count reaches `n`, or records an issue after `testDeadlineSeconds`
    /// and returns false.
    @discardableResult
    func wait(atLeast n: UInt32 = 1, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let raw = UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self)
        let deadline = rd_now_ns() + testDeadlineSeconds * 1_000_000_000
        while true {
            let current = word.pointee.load(ordering: .acquiring)
            if current >= n { return true }
            let now = rd_now_ns()
            if now >= deadline {
                Issue.record(
                    "waited \(testDeadlineSeconds) s for \(n) event(s), saw \(current)",
                    sourceLocation: sourceLocation)
                return false
            }
            _ = rd_futex_wait_timeout(raw, current, deadline - now)
        }
    }
}

/// Records the observer calls and opens a latch when a waiter is about to sleep.
final class RecordingObserver: RundownObserver {
    struct Event: Equatable, Sendable {
        enum Kind: Equatable, Sendable {
            case willBlock(Int)
            case didWake
        }
        let kind: Kind
        let thread: UInt
    }

    private let events = Mutex<[Event]>([])
    /// Counts willBlock calls: `parked.wait(atLeast: n)` returns once n waits have parked.
    let parked = Counter()

    func rundownWillBlock(_ object: AnyObject, outstanding: Int) {
        events.withLock { $0.append(Event(kind: .willBlock(outstanding), thread: UInt(pthread_self()))) }
        parked.increment()
    }

    func rundownDidWakeWaiter(_ object: AnyObject) {
        events.withLock { $0.append(Event(kind: .didWake, thread: UInt(pthread_self()))) }
    }

    var recorded: [Event] { events.withLock { $0 } }
}

/// A wait running on its own thread, with its outcome once joined.
final class BackgroundWait: @unchecked Sendable {
    private let outcome = Mutex<Result<WaitOutcome, RundownViolation>?>(nil)
    private var thread: TestThread!
    let threadID = Atomic<UInt>(0)

    init(_ wait: @escaping @Sendable () throws(RundownViolation) -> WaitOutcome) {
        thread = TestThread { [self] in
            threadID.store(UInt(pthread_self()), ordering: .releasing)
            let result: Result<WaitOutcome, RundownViolation>
            do throws(RundownViolation) { result = .success(try wait()) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
        }
    }

    /// What the wait returned, if it has returned yet (does not join).
    func peek() -> Result<WaitOutcome, RundownViolation>? { outcome.withLock { $0 } }

    /// Joins the thread and returns what the wait returned.
    func finish() -> Result<WaitOutcome, RundownViolation>? {
        thread.join()
        return outcome.withLock { $0 }
    }
}

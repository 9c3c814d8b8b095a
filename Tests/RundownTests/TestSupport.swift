import CRundownSupport
import Glibc
import Rundown
import Synchronization

/// A real OS thread running one closure; `join()` waits for it.
final class TestThread: @unchecked Sendable {
    private var thread = pthread_t()

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    init(_ body: @escaping @Sendable () -> Void) {
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

    func join() { pthread_join(thread, nil) }
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

    func wait(atLeast n: UInt32 = 1) {
        let raw = UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self)
        while true {
            let current = word.pointee.load(ordering: .acquiring)
            if current >= n { return }
            _ = rd_futex_wait(raw, current)
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

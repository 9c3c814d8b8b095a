import CRundownSupport
import Glibc
import Synchronization

/// A count of awake threads (running or spinning, not parked in the kernel) that several
/// ``ProcessorShare``s add to: ``process`` is every session's in this process, so that two
/// sessions run side by side (`rdsh test -j 2`) see each other's spinners.
public final class AwakeCount: @unchecked Sendable {
    fileprivate let value: Atomic<Int>

    public init(_ initial: Int = 0) { value = Atomic(initial) }

    /// Every session of this process.
    public static let process = AwakeCount()

    /// Threads awake right now.
    public var current: Int { value.load(ordering: .relaxed) }
}

/// How many threads are awake against the processors one group of threads (a session, or the
/// bench's bound) may use.
///
/// A thread that spins while every awake thread has a processor of its own delays nobody: it
/// spins with the processor's pause hint and makes no system call. When more threads are
/// awake than there are processors, a spinner may be holding the processor the thread it
/// waits for needs, so it yields it every few turns. Counts change only when a thread parks,
/// wakes, starts or ends, so reading the total on every turn costs a load of a shared cache
/// line. The total (``AwakeCount``) may be shared by several groups; each also keeps its own.
public final class ProcessorShare: @unchecked Sendable {
    /// The processors the group may run on (the affinity mask of the thread that made it).
    public let processors: Int
    private let own: Atomic<Int>
    private let total: AwakeCount

    /// `awake`: the group's threads awake at the start (its coordinator, 1, by default);
    /// `total`: the count shared with other groups (nil: a count of this group's alone).
    public init(processors: Int = Int(rd_online_cpus()), awake: Int = 1, among total: AwakeCount? = nil) {
        self.processors = max(1, processors)
        own = Atomic(awake)
        if let total {
            self.total = total
            total.value.add(awake, ordering: .relaxed)
        } else {
            self.total = AwakeCount(awake)
        }
    }

    deinit {
        // Whatever the group still counts leaves the shared total with it.
        let left = own.load(ordering: .relaxed)
        if left != 0 { total.value.subtract(left, ordering: .relaxed) }
    }

    /// A thread of the group woke (or started).
    @inline(__always) public func wake() {
        own.add(1, ordering: .relaxed)
        total.value.add(1, ordering: .relaxed)
    }

    /// A thread of the group is about to park in the kernel (or ended).
    @inline(__always) public func sleep() {
        own.subtract(1, ordering: .relaxed)
        total.value.subtract(1, ordering: .relaxed)
    }

    /// More threads are awake, in every group sharing the total, than the group has processors.
    @inline(__always) public var oversubscribed: Bool { total.value.load(ordering: .relaxed) > processors }

    /// The group's own threads awake right now.
    public var awakeCount: Int { own.load(ordering: .relaxed) }
}

/// One wait loop's turns: a pause hint per turn, and a `sched_yield` every
/// ``yieldInterval`` turns while the share is oversubscribed.
public struct SpinWait {
    /// Turns between yields when oversubscribed (measured on 2 processors with 3 threads: yielding
    /// every 1 to 16 turns gives the same hand-off time; every 64 doubles it).
    public static let yieldInterval = 8
    /// Not retained: a wait loop runs inside a call on the share's owner, and a reference count
    /// taken here would write the share's header, shared by every spinning thread, on each wait.
    private unowned(unsafe) let share: ProcessorShare
    /// Turns taken so far.
    public private(set) var turns = 0

    public init(_ share: ProcessorShare) { self.share = share }

    /// After this long without its event, a wait loop gives its processor away once per 64
    /// turns. The count of awake threads says nothing about where they run: the scheduler can
    /// queue a woken thread behind its waker on one processor while the other idles (measured
    /// at a session's first command: the new worker spun out its budget while the coordinator
    /// it waited for sat behind it). A hand-off between spinning threads, and the
    /// coordinator's work between two commands, take well under this.
    public static let longWaitNanoseconds: UInt64 = 5_000

    /// One turn of the loop.
    @inline(__always) public mutating func turn() {
        turns &+= 1
        if turns % Self.yieldInterval == 0 && share.oversubscribed {
            sched_yield()
        } else {
            rd_cpu_relax()
        }
    }
}

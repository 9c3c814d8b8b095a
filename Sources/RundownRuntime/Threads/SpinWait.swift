import CRundownSupport
import Glibc
import Synchronization

/// How many of a session's threads are awake (running or spinning, not parked in the kernel),
/// against the processors the process may use. The coordinator counts as always awake.
///
/// A thread that spins while every awake thread has a processor of its own only delays
/// nothing: it spins with the processor's pause hint and makes no system call. When more
/// threads are awake than there are processors, a spinner may be holding the processor the
/// thread it waits for needs, so it yields it every few turns. The count changes only when a
/// thread parks or wakes, so reading it on every turn costs a load of a shared cache line.
public final class ProcessorShare: @unchecked Sendable {
    /// The processors this process may run on (its affinity mask when it started the share).
    public let processors: Int
    private let awake: Atomic<Int>

    /// `awake`: the threads awake at the start (the coordinator, 1, by default).
    public init(processors: Int = Int(rd_online_cpus()), awake: Int = 1) {
        self.processors = max(1, processors)
        self.awake = Atomic(awake)
    }

    /// A thread woke (or started).
    @inline(__always) public func wake() { awake.add(1, ordering: .relaxed) }

    /// A thread is about to park in the kernel (or ended).
    @inline(__always) public func sleep() { awake.subtract(1, ordering: .relaxed) }

    /// More threads are awake than there are processors.
    @inline(__always) public var oversubscribed: Bool { awake.load(ordering: .relaxed) > processors }

    /// Threads awake right now.
    public var awakeCount: Int { awake.load(ordering: .relaxed) }
}

/// One wait loop's turns: a pause hint per turn, and a `sched_yield` every
/// ``yieldInterval`` turns while the share is oversubscribed.
public struct SpinWait {
    /// Turns between yields when oversubscribed (measured on 2 processors with 3 threads: yielding
    /// every 1 to 16 turns gives the same hand-off time; every 64 doubles it).
    public static let yieldInterval = 8
    private let share: ProcessorShare
    /// Turns taken so far.
    public private(set) var turns = 0

    public init(_ share: ProcessorShare) { self.share = share }

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

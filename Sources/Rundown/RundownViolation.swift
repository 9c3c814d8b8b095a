/// A misuse of a run-down reference that the library refused.
///
/// Where the real kernel would hang, bugcheck or corrupt memory, the library leaves the object
/// exactly as it was and throws one of these instead. `code` is the stable name the runtime
/// prints (`error[CODE]`), `realWindows` says what the real kernel does in that case.
public enum RundownViolation: Error, Equatable, Sendable {
    /// A release of more references than are outstanding (live underflow, or a waiter's count
    /// that would skip past zero).
    case releaseWithoutAcquire(outstanding: Int, requested: UInt32)
    /// A release on a run-down reference: completed (word exactly 1) or stale (the dead wait block).
    case releaseAfterRundown(RundownStateName)
    /// ReInitialize on a live reference: no wait preceded it.
    case reinitWithoutRundown
    /// ReInitialize while a waiter is still inside the wait.
    case reinitWhileWaiting
    /// RundownCompleted on a live reference: no wait preceded it.
    case completedWithoutWait
    /// RundownCompleted while a waiter is still inside the wait.
    case completedWhileWaiting
    /// A second wait while another thread is inside a wait on the same reference.
    case concurrentWait
    /// A cache-aware wait on an object already run down (stale or completed) and not reinitialized.
    case waitAfterRundown
    /// Initialize on a reference that has holders or a waiter.
    case initializeWhileInUse
    /// A Count above 0x7FFFFFFF, or a Count of 0 while a rundown is in progress.
    case countOutOfRange(UInt32)
    /// Free of a cache-aware object that did not come from Allocate.
    case freeNotAllocated
    /// Free of a cache-aware object that still has holders or a waiter.
    case freeWhileInUse(outstanding: Int)
    /// Any operation on a cache-aware object after it was freed (including a second free).
    case useAfterFree
    /// Cache-aware storage whose size is not a value ExSizeOfRundownProtectionCacheAware returns.
    case sizeMismatch(given: Int, expected: Int)

    /// The runtime's stable code name, e.g. `RELEASE_WITHOUT_ACQUIRE`.
    public var code: String {
        switch self {
        case .releaseWithoutAcquire: "RELEASE_WITHOUT_ACQUIRE"
        case .releaseAfterRundown: "RELEASE_AFTER_RUNDOWN"
        case .reinitWithoutRundown: "REINIT_WITHOUT_RUNDOWN"
        case .reinitWhileWaiting: "REINIT_WHILE_WAITING"
        case .completedWithoutWait: "COMPLETED_WITHOUT_WAIT"
        case .completedWhileWaiting: "COMPLETED_WHILE_WAITING"
        case .concurrentWait: "CONCURRENT_WAIT"
        case .waitAfterRundown: "WAIT_AFTER_RUNDOWN"
        case .initializeWhileInUse: "INIT_WHILE_IN_USE"
        case .countOutOfRange: "COUNT_OUT_OF_RANGE"
        case .freeNotAllocated: "FREE_NOT_ALLOCATED"
        case .freeWhileInUse: "FREE_WHILE_IN_USE"
        case .useAfterFree: "USE_AFTER_FREE"
        case .sizeMismatch: "SIZE_MISMATCH"
        }
    }

    /// One sentence: what happened, in the caller's terms.
    public var message: String {
        switch self {
        case .releaseWithoutAcquire(let outstanding, let requested):
            "release of \(requested) reference\(requested == 1 ? "" : "s") but only \(outstanding) "
                + "\(outstanding == 1 ? "is" : "are") outstanding"
        case .releaseAfterRundown(let state):
            "release on a reference that is already run down (state \(state.rawValue))"
        case .reinitWithoutRundown:
            "reinitialize on a live reference: no wait for rundown preceded it"
        case .reinitWhileWaiting:
            "reinitialize while a thread is still waiting for rundown"
        case .completedWithoutWait:
            "rundown completed on a live reference: no wait for rundown preceded it"
        case .completedWhileWaiting:
            "rundown completed while a thread is still waiting for rundown"
        case .concurrentWait:
            "a second wait for rundown while another thread is inside a wait on the same reference"
        case .waitAfterRundown:
            "wait on a cache-aware reference that is already run down and was not reinitialized"
        case .initializeWhileInUse:
            "initialize on a reference that has holders or a waiter"
        case .countOutOfRange(let count):
            count == 0
                ? "Count 0 while a rundown is in progress"
                : "Count \(count) is out of range (1...0x7FFFFFFF)"
        case .freeNotAllocated:
            "free of a cache-aware reference that was not allocated by ExAllocateCacheAwareRundownProtection"
        case .freeWhileInUse(let outstanding):
            outstanding > 0
                ? "free of a cache-aware reference with \(outstanding) reference\(outstanding == 1 ? "" : "s") outstanding"
                : "free of a cache-aware reference while a wait for rundown is in progress"
        case .useAfterFree:
            "use of a cache-aware reference after it was freed"
        case .sizeMismatch(let given, let expected):
            "storage size \(given) is not a size ExSizeOfRundownProtectionCacheAware returns (expected \(expected))"
        }
    }

    /// What the real Windows kernel does in this case (from the specification's state tables).
    public var realWindows: String {
        switch self {
        case .releaseWithoutAcquire:
            "real Windows does not notice: the count underflows silently on a multiprocessor, and the next wait for rundown hangs forever"
        case .releaseAfterRundown(let state):
            state == .completed
                ? "real Windows treats address 0 as the wait block: a page fault and a bugcheck"
                : "real Windows writes into the dead wait block on the waiter's stack: silent memory corruption"
        case .reinitWithoutRundown:
            "checked builds assert; free builds reset the count, and the holders' later releases underflow it"
        case .reinitWhileWaiting:
            "the waiter's wait block is forgotten: the waiter hangs forever and the releases underflow the fresh count"
        case .completedWithoutWait:
            "checked builds assert; free builds mark it run down without waiting, and the holders' releases later bugcheck on address 0"
        case .completedWhileWaiting:
            "the waiter's wait block is forgotten: the waiter hangs forever and the releases bugcheck on address 0"
        case .concurrentWait:
            "the second waiter reads the first one's wait block address as a count and takes over the releases: both waiters hang"
        case .waitAfterRundown:
            "the cache-aware wait has no already-run-down shortcut: it adds the marked slots up as counts and hangs (checked builds assert)"
        case .initializeWhileInUse:
            "the plain store throws the state away: holders' releases underflow and any waiter hangs"
        case .countOutOfRange(let count):
            count == 0
                ? "a Count of 0 passes the 'count reached zero' test whenever the wait block's count is already 0: it then signals the waiter's event again, or one not initialized yet (harmless while references are still outstanding)"
                : "2*Count is computed in 32 bits and wraps: the call adds or removes the wrong number of references"
        case .freeNotAllocated:
            "checked builds assert on the 0x0BADCA11 sentinel; free builds hand it to the pool allocator, which bugchecks"
        case .freeWhileInUse:
            "the memory is freed under the holders or the waiter: a use-after-free"
        case .useAfterFree:
            "the memory was returned to pool: a use-after-free (or a double free) that corrupts the pool or bugchecks"
        case .sizeMismatch:
            "a wrong size gives a wrong slot count: a divide fault on the first acquire, or slot writes far past the buffer"
        }
    }
}

extension RundownViolation: CustomStringConvertible {
    /// `CODE: message`.
    public var description: String { "\(code): \(message)" }
}

import Rundown
import RundownScript

/// One routine call handed to a worker thread: what was asked (for the `[T] blocked in` and
/// `[T] returned from` lines, the ledger and DEADLOCK reports) and, once the thread has run it,
/// what came back. The worker writes ``result``; the coordinator reads it after settling.
final class PendingCall: @unchecked Sendable {
    enum Result {
        case none
        case void
        case boolean(Bool)
        case size(Int)
        case wait(WaitOutcome)
        case created(CacheAwareRundownRef?)
        case violation(RundownViolation)
    }

    let operation: Operation
    /// The routine and its arguments in normal form, e.g. `ExWaitForRundownProtectionRelease R`.
    let display: String
    /// The thread it runs on.
    let thread: String
    let location: SourceLocation
    /// The top-level line this call belongs to (the `.read` line for included files).
    let topLine: Int?
    let handle: Handle?
    /// The library object the call works on, captured when it was dispatched (the name may be
    /// rebound later while a waiter is still blocked on the old object).
    var object: AnyObject?
    /// The handle argument's location and width, for diagnostics about the object.
    let handleLocation: SourceLocation
    let handleLength: Int
    let count: Int
    let binding: String?
    var result: Result = .none
    /// The handle's ledger epoch when the call started (see ``Ledger/epoch``).
    var ledgerEpoch = 0

    // MARK: What the thread runs (set by the coordinator before it posts the call)

    /// The plain object the routine works on.
    var plain: RundownRef?
    /// The cache-aware object the routine works on.
    var cacheAware: CacheAwareRundownRef?
    /// The thread's virtual processor (`.cpu`), for cache-aware slots.
    var cpu = 0
    /// `.par granularity=atomic`: the stepped routines get these hooks; otherwise the very
    /// calls a library user makes (the hooks compiled away).
    var hooks: AtomicStepHooks?
    /// The session's `.processors`, for the routines that size or make cache-aware objects.
    var processors = 1
    /// The session's pool and observer, for the routines that make cache-aware objects.
    var pool: RundownPool?
    var observer: RundownObserver?
    /// `ExInitializeRundownProtectionCacheAware`'s RundownStorageSize.
    var storageSize = 0
    var poolType = PoolType.NonPagedPool
    var tag: UInt32 = 0

    init(
        operation: Operation, display: String, thread: String, location: SourceLocation, topLine: Int?,
        handle: Handle?,
        handleLocation: SourceLocation, handleLength: Int, count: Int, binding: String?
    ) {
        self.operation = operation
        self.display = display
        self.thread = thread
        self.location = location
        self.topLine = topLine
        self.handle = handle
        self.handleLocation = handleLocation
        self.handleLength = handleLength
        self.count = count
        self.binding = binding
    }
}

extension PendingCall {
    /// Runs the routine on the calling thread (the call's worker): its value, or the violation
    /// the library refused it with, becomes ``result``. One stored value per command, read by
    /// one switch: no closure is built per command.
    func execute() {
        do throws(RundownViolation) {
            result = try run()
        } catch {
            result = .violation(error)
        }
    }

    private func run() throws(RundownViolation) -> Result {
        let count = UInt32(truncatingIfNeeded: self.count)
        switch operation {
        case .initialize:
            try plain!.initialize()
        case .reinitialize:
            if let hooks { try plain!.reinitialize(hooks: hooks) } else { try plain!.reinitialize() }
        case .acquire, .acquireEx:
            if let hooks { return .boolean(try plain!.acquire(count: count, hooks: hooks)) }
            return .boolean(try plain!.acquire(count: count))
        case .release, .releaseEx:
            if let hooks {
                try plain!.release(count: count, hooks: hooks)
            } else {
                try plain!.release(count: count)
            }
        case .wait:
            if let hooks { return .wait(try plain!.waitForRelease(hooks: hooks)) }
            return .wait(try plain!.waitForRelease())
        case .completed:
            if let hooks { try plain!.rundownCompleted(hooks: hooks) } else { try plain!.rundownCompleted() }
        case .sizeOf:
            return .size(CacheAwareRundownRef.size(processorCount: processors))
        case .allocate:
            return .created(
                CacheAwareRundownRef.allocate(
                    poolType: poolType, tag: tag, processorCount: processors, pool: pool!, observer: observer)
            )
        case .initializeCacheAware:
            if let cacheAware {
                try cacheAware.reinitializeStorage(storageSize: storageSize)
            } else {
                return .created(
                    try CacheAwareRundownRef.initialize(
                        storageSize: storageSize, processorCount: processors, observer: observer))
            }
        case .free:
            try cacheAware!.free()
        case .acquireCacheAware, .acquireCacheAwareEx:
            if let hooks {
                return .boolean(try cacheAware!.acquire(processor: cpu, count: count, hooks: hooks))
            }
            return .boolean(try cacheAware!.acquire(processor: cpu, count: count))
        case .releaseCacheAware, .releaseCacheAwareEx:
            if let hooks {
                try cacheAware!.release(processor: cpu, count: count, hooks: hooks)
            } else {
                try cacheAware!.release(processor: cpu, count: count)
            }
        case .waitCacheAware:
            if let hooks { return .wait(try cacheAware!.waitForRelease(hooks: hooks)) }
            return .wait(try cacheAware!.waitForRelease())
        case .completedCacheAware:
            if let hooks {
                try cacheAware!.rundownCompleted(hooks: hooks)
            } else {
                try cacheAware!.rundownCompleted()
            }
        case .reinitializeCacheAware:
            if let hooks {
                try cacheAware!.reinitialize(hooks: hooks)
            } else {
                try cacheAware!.reinitialize()
            }
        }
        return .void
    }
}

/// A call handed to its thread, with what the coordinator needs once the thread returns.
struct StartedCall {
    let pending: PendingCall
    let worker: Worker
    let sourceText: String
    let created: Handle.Value?
    let handleName: String
    let request: AllocationRequest
}

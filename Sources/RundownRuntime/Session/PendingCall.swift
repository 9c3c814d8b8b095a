import Rundown
import RundownScript

/// One routine call handed to a worker thread: what was asked (for the `[T] blocked in` and
/// `[T] returned from` lines, the ledger and DEADLOCK reports) and, once the thread has run it,
/// what came back. The thread works from the call's ``CallSlot`` and writes the rarer results
/// into ``result``; the coordinator reads it after settling (``Session/complete(_:)`` first
/// takes a common result from the slot).
///
/// Its fields are written without the runtime's dynamic exclusivity check
/// (`@exclusivity(unchecked)`): the coordinator sets a dozen of them for every command, each
/// check cost a call that looks up the thread's access set, and no access to them overlaps
/// another (the coordinator only assigns and reads them; the thread reads them after the
/// hand-off, which orders it, and the runtime checks only accesses within one thread anyway).
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

    // MARK: What the call's thread is given (copied into its ``CallSlot`` when posted), and
    // the result it leaves here when the slot cannot hold it

    let operation: Operation
    let count: Int
    /// The thread's virtual processor (`.cpu`), for cache-aware slots.
    @exclusivity(unchecked) var cpu = 0
    /// The plain object the routine works on. Not retained, here or by the thread: ``object``
    /// holds it, and a reference count taken on each command would write the object's header,
    /// which shares a cache line with its word, from both threads.
    @exclusivity(unchecked) var plain: Unmanaged<RundownRef>?
    /// The cache-aware object the routine works on (held by ``object``, like ``plain``).
    @exclusivity(unchecked) var cacheAware: Unmanaged<CacheAwareRundownRef>?
    /// `.par granularity=atomic`: the stepped routines get these hooks; otherwise the very
    /// calls a library user makes (the hooks compiled away).
    @exclusivity(unchecked) var hooks: AtomicStepHooks?
    @exclusivity(unchecked) var result: Result = .none
    /// A plain object's word when the thread returned from the call (``CallSlot/wordAfter``;
    /// 1, not live, until then).
    @exclusivity(unchecked) var wordAfter: UInt = 1

    // MARK: What the coordinator knows of the call

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
    @exclusivity(unchecked) var object: AnyObject?
    /// The handle argument's location and width, for diagnostics about the object.
    let handleLocation: SourceLocation
    let handleLength: Int
    let binding: String?
    /// The handle's ledger epoch when the call started (see ``Ledger/epoch``).
    @exclusivity(unchecked) var ledgerEpoch = 0
    /// The line the call was written in, for diagnostics about it.
    let sourceText: String
    /// The handle argument as written ("" when the call takes none).
    let handleName: String
    /// What an initialize makes for a new name (bound when the call returns).
    @exclusivity(unchecked) var created: Handle.Value?
    /// An allocation's tag as the script wrote it (for POOL_LEAK reports).
    @exclusivity(unchecked) var tagText = ""

    // MARK: What the rarer routines read (set by the coordinator before it posts the call)

    /// The session's `.processors`, for the routines that size or make cache-aware objects.
    @exclusivity(unchecked) var processors = 1
    /// The session's pool and observer, for the routines that make cache-aware objects.
    @exclusivity(unchecked) var pool: RundownPool?
    @exclusivity(unchecked) var observer: RundownObserver?
    /// `ExInitializeRundownProtectionCacheAware`'s RundownStorageSize.
    @exclusivity(unchecked) var storageSize = 0
    @exclusivity(unchecked) var poolType = PoolType.NonPagedPool
    @exclusivity(unchecked) var tag: UInt32 = 0

    init(
        operation: Operation, display: String, thread: String, location: SourceLocation, topLine: Int?,
        handle: Handle?,
        handleLocation: SourceLocation, handleLength: Int, count: Int, binding: String?,
        sourceText: String = "", handleName: String = ""
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
        self.sourceText = sourceText
        self.handleName = handleName
    }
}

extension PendingCall {
    /// Holds the object the call works on: the coordinator goes on while the thread may still
    /// be inside the call (the watchdog gave up on it), so its name may be rebound.
    func holdObject() {
        guard object == nil else { return }
        object = plain?.takeUnretainedValue() ?? cacheAware?.takeUnretainedValue()
    }

    /// Runs the routine of `slot` on the calling thread (the call's worker): its value, or
    /// the violation the library refused it with, becomes the call's result (in the slot when
    /// it is nothing or a boolean, else in ``result``). One switch per command: no closure is
    /// built and no reference count is taken, and the ``PendingCall`` (`call`) is only read
    /// for the routines that make or size an object, and written for the rarer results.
    static func execute(_ slot: UnsafeMutablePointer<CallSlot>, call: UnsafeMutableRawPointer) {
        let request = slot.pointee
        let result: Result
        switch request.objectKind {
        case .plain:
            result = Unmanaged<RundownRef>.fromOpaque(request.object!)._withUnsafeGuaranteedRef { ref in
                let result = outcome { () throws(RundownViolation) in try run(ref, request) }
                // The line is this thread's: it has just changed the word (or read it).
                slot.pointee.wordAfter = ref.loadWord()
                return result
            }
        case .cacheAware:
            result = Unmanaged<CacheAwareRundownRef>.fromOpaque(request.object!)._withUnsafeGuaranteedRef {
                ref in
                outcome { () throws(RundownViolation) in try run(ref, request, call: call) }
            }
        case .none:
            result = Unmanaged<PendingCall>.fromOpaque(call)._withUnsafeGuaranteedRef { pending in
                outcome { () throws(RundownViolation) in try pending.runWithoutObject() }
            }
        }
        switch result {
        case .void:
            slot.pointee.outcome = .void
        case .boolean(let granted):
            slot.pointee.value = granted ? 1 : 0
            slot.pointee.outcome = .boolean
        default:
            Unmanaged<PendingCall>.fromOpaque(call)._withUnsafeGuaranteedRef { $0.result = result }
            slot.pointee.outcome = .inCall
        }
    }

    /// Takes the result the thread left in `slot` (the coordinator, once the thread is idle).
    func collect(from slot: CallSlot) {
        switch slot.outcome {
        case .void: result = .void
        case .boolean: result = .boolean(slot.value != 0)
        case .pending, .inCall: break
        }
        wordAfter = slot.wordAfter
    }

    private static func outcome(_ body: () throws(RundownViolation) -> Result) -> Result {
        do throws(RundownViolation) {
            return try body()
        } catch {
            return .violation(error)
        }
    }

    private static func hooks(_ request: CallSlot) -> AtomicStepHooks? {
        request.hooks.map { Unmanaged<AtomicStepHooks>.fromOpaque($0).takeUnretainedValue() }
    }

    /// The plain routines.
    private static func run(_ ref: RundownRef, _ request: CallSlot) throws(RundownViolation) -> Result {
        let count = request.count
        let hooks = hooks(request)
        switch request.operation {
        case .initialize:
            try ref.initialize()
        case .reinitialize:
            if let hooks { try ref.reinitialize(hooks: hooks) } else { try ref.reinitialize() }
        case .acquire, .acquireEx:
            if let hooks { return .boolean(try ref.acquire(count: count, hooks: hooks)) }
            return .boolean(try ref.acquire(count: count))
        case .release, .releaseEx:
            if let hooks {
                try ref.release(count: count, hooks: hooks)
            } else {
                try ref.release(count: count)
            }
        case .wait:
            if let hooks { return .wait(try ref.waitForRelease(hooks: hooks)) }
            return .wait(try ref.waitForRelease())
        case .completed:
            if let hooks { try ref.rundownCompleted(hooks: hooks) } else { try ref.rundownCompleted() }
        default:
            preconditionFailure("\(request.operation) posted with a plain object")
        }
        return .void
    }

    /// The cache-aware routines on an existing object.
    private static func run(_ ref: CacheAwareRundownRef, _ request: CallSlot, call: UnsafeMutableRawPointer)
        throws(RundownViolation) -> Result
    {
        let count = request.count
        let cpu = Int(request.cpu)
        let hooks = hooks(request)
        switch request.operation {
        case .initializeCacheAware:
            let size = Unmanaged<PendingCall>.fromOpaque(call)._withUnsafeGuaranteedRef { $0.storageSize }
            try ref.reinitializeStorage(storageSize: size)
        case .free:
            try ref.free()
        case .acquireCacheAware, .acquireCacheAwareEx:
            if let hooks {
                return .boolean(try ref.acquire(processor: cpu, count: count, hooks: hooks))
            }
            return .boolean(try ref.acquire(processor: cpu, count: count))
        case .releaseCacheAware, .releaseCacheAwareEx:
            if let hooks {
                try ref.release(processor: cpu, count: count, hooks: hooks)
            } else {
                try ref.release(processor: cpu, count: count)
            }
        case .waitCacheAware:
            if let hooks { return .wait(try ref.waitForRelease(hooks: hooks)) }
            return .wait(try ref.waitForRelease())
        case .completedCacheAware:
            if let hooks {
                try ref.rundownCompleted(hooks: hooks)
            } else {
                try ref.rundownCompleted()
            }
        case .reinitializeCacheAware:
            if let hooks {
                try ref.reinitialize(hooks: hooks)
            } else {
                try ref.reinitialize()
            }
        default:
            preconditionFailure("\(request.operation) posted with a cache-aware object")
        }
        return .void
    }

    /// The routines that take no object or make one.
    private func runWithoutObject() throws(RundownViolation) -> Result {
        switch operation {
        case .sizeOf:
            return .size(CacheAwareRundownRef.size(processorCount: processors))
        case .allocate:
            return .created(
                CacheAwareRundownRef.allocate(
                    poolType: poolType, tag: tag, processorCount: processors, pool: pool!, observer: observer)
            )
        case .initializeCacheAware:
            return .created(
                try CacheAwareRundownRef.initialize(
                    storageSize: storageSize, processorCount: processors, observer: observer))
        default:
            preconditionFailure("\(operation) posted without its object")
        }
    }
}

/// A call handed to its thread, with what the coordinator needs once the thread returns.
/// Two references: what else the coordinator needs is in the ``PendingCall``, so handing a
/// started call from function to function copies nothing else.
struct StartedCall {
    let pending: PendingCall
    let worker: Worker

    var sourceText: String { pending.sourceText }
    var created: Handle.Value? { pending.created }
    var handleName: String { pending.handleName }
}

import Rundown

/// What a worker thread reads and writes of a routine call, kept in the rest of its mailbox's
/// cache line (``Worker``): the coordinator fills it in before it posts the call, the thread
/// reads it with the line that told it a call was posted, and writes the common results
/// (nothing, TRUE, FALSE) back into the same line before it says it is idle, with a plain
/// object's word after the call. A command on a plain or cache-aware reference then moves
/// that one line to the thread and back (and the object's own); the ``PendingCall`` stays in
/// the coordinator's cache. The rarer results (a wait's outcome, a size, a new object, a
/// violation) go into ``PendingCall/result``.
struct CallSlot {
    /// The object, unretained (``PendingCall/object`` or the handle holds it).
    var object: UnsafeMutableRawPointer?
    /// `.par granularity=atomic`: the call's ``AtomicStepHooks``, unretained (the
    /// ``PendingCall`` holds them).
    var hooks: UnsafeMutableRawPointer?
    var count: UInt32
    /// The thread's virtual processor (`.cpu`), for cache-aware slots.
    var cpu: Int32
    var operation: Operation
    var objectKind: ObjectKind
    /// Written by the thread.
    var outcome: Outcome
    /// With ``Outcome/boolean``: 1 for TRUE.
    var value: UInt8
    /// A plain object's word, read by the thread once the routine returned (``Outcome/void``
    /// or ``Outcome/boolean``; see ``Session/settledSnapshot(of:)``).
    var wordAfter: UInt

    enum ObjectKind: UInt8 {
        case none, plain, cacheAware
    }

    enum Outcome: UInt8 {
        /// Not returned yet.
        case pending
        case void
        case boolean
        /// In ``PendingCall/result``.
        case inCall
    }

    /// Bytes of the mailbox line the slot may take (after the futex word, the status and the
    /// posted call).
    static let capacity = 40

    /// A plain routine call (``Worker/post(lane:operation:count:)``).
    init(plain object: UnsafeMutableRawPointer, operation: Operation, count: UInt32, cpu: Int32) {
        self.object = object
        self.objectKind = .plain
        self.hooks = nil
        self.count = count
        self.cpu = cpu
        self.operation = operation
        outcome = .pending
        value = 0
        wordAfter = 1
    }

    init(_ call: PendingCall) {
        if let plain = call.plain {
            object = plain.toOpaque()
            objectKind = .plain
        } else if let cacheAware = call.cacheAware {
            object = cacheAware.toOpaque()
            objectKind = .cacheAware
        } else {
            object = nil
            objectKind = .none
        }
        hooks = call.hooks.map { Unmanaged.passUnretained($0).toOpaque() }
        count = UInt32(truncatingIfNeeded: call.count)
        cpu = Int32(truncatingIfNeeded: call.cpu)
        operation = call.operation
        outcome = .pending
        value = 0
        wordAfter = 1
    }
}

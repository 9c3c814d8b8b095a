/// Called before each atomic operation of a routine, on the calling thread: the seam a
/// scheduler uses to run the library one atomic operation at a time (`.par granularity=atomic`).
///
/// The routines are generic over the hooks and the public entry points pass
/// ``NoAtomicHooks``, whose empty, always-inlined method specializes away: acquire and release
/// compile to the same instructions as without the seam, and no flag is read on any path.
public protocol RundownAtomicHooks {
    /// `step` is about to happen. A scheduler may park the thread here.
    func atomicStep(_ step: RundownAtomicStep)

    /// Test seam, false unless a test says otherwise: a cache-aware release redirected to
    /// slot 0 during ReInitialize again refuses itself as "completed" when slot 0 has bit 0
    /// set, the bug that let the next wait sleep forever (fixed in 26ca738). It lets a test
    /// show that atomic exploration finds that hang; with ``NoAtomicHooks`` it folds away.
    var refusesRedirectToMarkedSlotZero: Bool { get }
}

extension RundownAtomicHooks {
    @inlinable @inline(__always)
    public var refusesRedirectToMarkedSlotZero: Bool { false }
}

/// The hooks of ordinary use: nothing, compiled away.
@frozen
public struct NoAtomicHooks: RundownAtomicHooks {
    @inlinable @inline(__always)
    public init() {}

    @inlinable @inline(__always)
    public func atomicStep(_ step: RundownAtomicStep) {}
}

/// One atomic operation of the library: what it does and to which word.
@frozen
public enum RundownAtomicStep: Sendable, Hashable, CustomStringConvertible {
    case load(RundownAtomicTarget)
    case compareExchange(RundownAtomicTarget)
    case exchange(RundownAtomicTarget)
    case add(RundownAtomicTarget)
    case store(RundownAtomicTarget)
    /// FUTEX_WAIT on the wait block's event (sleeps unless the event is already signalled).
    case futexWait
    /// FUTEX_WAKE on the wait block's event.
    case futexWake

    public var description: String {
        switch self {
        case .load(let target): "load \(target)"
        case .compareExchange(let target): "CAS \(target)"
        case .exchange(let target): "exchange \(target)"
        case .add(let target): "add \(target)"
        case .store(let target): "store \(target)"
        case .futexWait: "futex wait"
        case .futexWake: "futex wake"
        }
    }
}

/// The word an atomic step touches.
@frozen
public enum RundownAtomicTarget: Sendable, Hashable, CustomStringConvertible {
    /// The plain reference's word.
    case word
    /// A cache-aware slot, by index.
    case slot(Int)
    /// The wait block's outstanding count.
    case count
    /// The wait block's event (the futex word).
    case event
    /// The wait block's phase.
    case phase

    public var description: String {
        switch self {
        case .word: "word"
        case .slot(let index): "slot \(index)"
        case .count: "block count"
        case .event: "block event"
        case .phase: "block phase"
        }
    }
}

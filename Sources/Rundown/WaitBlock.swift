import CRundownSupport
import Synchronization

/// The waiter's block, owned by the reference (the kernel puts it on the waiter's stack).
///
/// Its address never moves and is never freed while the reference lives, so a release that
/// arrives late reads a block that still exists and can tell, from `phase`, whether the wait is
/// in progress or over: stale versus waiting is decidable, and misuse is refused instead of
/// corrupting memory. Layout (32 bytes, 16-aligned so bit 0 of the address is free):
/// `count: Atomic<Int>` at 0, `event: Atomic<UInt32>` (the futex word) at 8, `phase:
/// Atomic<UInt32>` at 12, `generation: Atomic<UInt32>` at 16.
@usableFromInline
struct WaitBlock: Sendable {
    /// No wait has used the block yet.
    static let idle: UInt32 = 0
    /// A cache-aware wait is marking slots (plain waits go straight to `waiting`).
    static let sweeping: UInt32 = 1
    /// A waiter is inside the wait: releases subtract from `count`.
    static let waiting: UInt32 = 2
    /// The wait returned: a word still holding this block's address is stale.
    static let returned: UInt32 = 3

    /// The block's address; bit 0 is clear.
    @usableFromInline let address: UInt

    /// Allocates and zero-initializes a block.
    static func make() -> WaitBlock {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 32, alignment: 16)
        raw.bindMemory(to: Atomic<Int>.self, capacity: 1).initialize(to: Atomic<Int>(0))
        (raw + 8).bindMemory(to: Atomic<UInt32>.self, capacity: 2).initialize(to: Atomic<UInt32>(0))
        (raw + 12).bindMemory(to: Atomic<UInt32>.self, capacity: 1).initialize(to: Atomic<UInt32>(idle))
        (raw + 16).bindMemory(to: Atomic<UInt32>.self, capacity: 1).initialize(to: Atomic<UInt32>(0))
        return WaitBlock(address: UInt(bitPattern: raw))
    }

    func deallocate() {
        UnsafeMutableRawPointer(bitPattern: address)!.deallocate()
    }

    /// The word a marked reference holds: `&block | 1`.
    var marked: UInt { address | 1 }

    private var raw: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: address)! }

    /// References still outstanding (signed: a cache-aware block may go negative during a sweep).
    var count: UnsafeMutablePointer<Atomic<Int>> {
        raw.assumingMemoryBound(to: Atomic<Int>.self)
    }
    /// 0 = not signalled, 1 = signalled (an auto-reset event the waiter resets before each wait).
    var event: UnsafeMutablePointer<Atomic<UInt32>> {
        (raw + 8).assumingMemoryBound(to: Atomic<UInt32>.self)
    }
    var phase: UnsafeMutablePointer<Atomic<UInt32>> {
        (raw + 12).assumingMemoryBound(to: Atomic<UInt32>.self)
    }
    /// Waits that have claimed the block (wrapping): tells a release whether the wait it
    /// signalled is still the block's when its wake-up goes out. Not part of the saved state:
    /// only its change during one release matters.
    var generation: UnsafeMutablePointer<Atomic<UInt32>> {
        (raw + 16).assumingMemoryBound(to: Atomic<UInt32>.self)
    }

    /// True while a waiter owns the block (sweeping or waiting).
    var isInUse: Bool { isInUse(NoAtomicHooks()) }

    func isInUse<H: RundownAtomicHooks>(_ hooks: H) -> Bool {
        hooks.atomicStep(.load(.phase))
        let p = phase.pointee.load(ordering: .sequentiallyConsistent)
        return p == Self.sweeping || p == Self.waiting
    }

    /// Claims the block for a new wait: fails when another wait is in progress.
    /// Returns the phase to restore if the wait is abandoned.
    func claim<H: RundownAtomicHooks>(as newPhase: UInt32, hooks: H) -> UInt32? {
        hooks.atomicStep(.load(.phase))
        var current = phase.pointee.load(ordering: .sequentiallyConsistent)
        while true {
            if current == Self.sweeping || current == Self.waiting { return nil }
            hooks.atomicStep(.compareExchange(.phase))
            let (exchanged, seen) = phase.pointee.compareExchange(
                expected: current, desired: newPhase, ordering: .sequentiallyConsistent)
            if exchanged {
                generation.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
                return current
            }
            current = seen
        }
    }

    /// Sleeps until the event is signalled. `beforeSleeping` runs once, right before the first
    /// futex wait, only if the event is still clear then; returns whether it ran (the thread
    /// slept, or was about to).
    func sleepUntilSignalled(beforeSleeping: () -> Void) -> Bool {
        let word = UnsafeMutableRawPointer(event).assumingMemoryBound(to: UInt32.self)
        var slept = false
        while event.pointee.load(ordering: .acquiring) == 0 {
            if !slept {
                slept = true
                beforeSleeping()
            }
            _ = rd_futex_wait(word, 0)
        }
        return slept
    }

    /// Count, event and phase, for ``restoreState(_:)``.
    func saveState() -> [UInt] {
        [
            UInt(bitPattern: count.pointee.load(ordering: .sequentiallyConsistent)),
            UInt(event.pointee.load(ordering: .sequentiallyConsistent)),
            UInt(phase.pointee.load(ordering: .sequentiallyConsistent)),
        ]
    }

    func restoreState(_ state: [UInt]) {
        count.pointee.store(Int(bitPattern: state[0]), ordering: .sequentiallyConsistent)
        event.pointee.store(UInt32(state[1]), ordering: .sequentiallyConsistent)
        phase.pointee.store(UInt32(state[2]), ordering: .sequentiallyConsistent)
    }

    /// Signals the event and wakes the waiter.
    func signal() { signal(hooks: NoAtomicHooks()) }

    func signal<H: RundownAtomicHooks>(hooks: H) {
        hooks.atomicStep(.store(.event))
        event.pointee.store(1, ordering: .releasing)
        hooks.atomicStep(.futexWake)
        _ = rd_futex_wake(UnsafeMutableRawPointer(event).assumingMemoryBound(to: UInt32.self), 1)
    }

    /// Signals the waiter; true when the wait it signalled still owns the block afterwards.
    private func signalAndReport<H: RundownAtomicHooks>(hooks: H) -> Bool {
        let signalled = generation.pointee.load(ordering: .sequentiallyConsistent)
        signal(hooks: hooks)
        return generation.pointee.load(ordering: .sequentiallyConsistent) == signalled
    }

    /// A release of `count` references on a word that points at this block.
    ///
    /// A finished wait (stale word) and a Count of 0 are refused. Exact check while `waiting` (the block count is then the true outstanding count); while
    /// a cache-aware sweep is still running the count may be negative and is not checked. The
    /// release that brings the count to exactly zero signals the waiter and reports it.
    /// Returns true when it signalled, unless a later wait had claimed the block by the time its
    /// wake-up went out: the wait it signalled saw the event and returned without sleeping,
    /// and the later waiter only wakes spuriously and sleeps again (at atomic granularity the
    /// event's store and the futex wake are two steps, so this happens: a report would have
    /// counted the later waiter as woken while it still slept).
    func release<H: RundownAtomicHooks>(count requested: UInt32, hooks: H) throws(RundownViolation) -> Bool {
        let c = Int(requested)
        hooks.atomicStep(.load(.phase))
        let p = phase.pointee.load(ordering: .sequentiallyConsistent)
        if p == Self.idle || p == Self.returned { throw .releaseAfterRundown(.stale) }
        // Spec §7.7: Count 0 would pass the "reached zero" test of a drained block.
        if requested == 0 { throw .countOutOfRange(0) }
        if p == Self.waiting {
            hooks.atomicStep(.load(.count))
            var current = count.pointee.load(ordering: .sequentiallyConsistent)
            while true {
                if current < c {
                    throw .releaseWithoutAcquire(outstanding: max(current, 0), requested: requested)
                }
                hooks.atomicStep(.compareExchange(.count))
                let (exchanged, seen) = count.pointee.compareExchange(
                    expected: current, desired: current - c, ordering: .sequentiallyConsistent)
                if exchanged { break }
                current = seen
            }
            if current == c { return signalAndReport(hooks: hooks) }
            return false
        }
        // Sweeping: the waiter has not added the total yet.
        hooks.atomicStep(.add(.count))
        let before = count.pointee.wrappingSubtract(c, ordering: .sequentiallyConsistent).oldValue
        if before == c { return signalAndReport(hooks: hooks) }
        return false
    }
}

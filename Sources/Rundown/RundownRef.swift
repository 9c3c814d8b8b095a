import Synchronization

/// `EX_RUNDOWN_REF`: one pointer-sized atomic word guarding an object's teardown.
///
/// The word has the documented layout: bit 0 set means rundown is active; while it is clear
/// the holders are counted in steps of 2. During a wait the word holds `&block | 1`, the
/// address of a wait block the reference owns; after a wait that had holders it keeps that
/// value ("stale"), and only RundownCompleted (word exactly 1, "completed") or ReInitialize
/// clean it. Acquire and release are lock-free; the wait sleeps on a futex.
///
/// Misuse that the real kernel turns into a hang, a bugcheck or corruption is refused with a
/// ``RundownViolation`` and the object is left unchanged.
public final class RundownRef: Sendable {
    @usableFromInline let word: Atomic<UInt>
    @usableFromInline let block: WaitBlock
    let observer: (any RundownObserver)?

    /// Zero-filled storage: live with no holders, usable at once.
    public init(observer: (any RundownObserver)? = nil) {
        word = Atomic(0)
        block = WaitBlock.make()
        self.observer = observer
    }

    /// `runDown: true` is the static initializer `EX_RUNDOWN_ACTIVE`: completed, word exactly 1.
    public init(runDown: Bool, observer: (any RundownObserver)? = nil) {
        word = Atomic(runDown ? 1 : 0)
        block = WaitBlock.make()
        self.observer = observer
    }

    deinit { block.deallocate() }

    // MARK: - Fast paths

    /// ExAcquireRundownProtection(Ex): adds `count` holders, all or none.
    ///
    /// Returns false once a rundown has begun (waiting, stale or completed). Never blocks.
    @inlinable
    public func acquire(count: UInt32 = 1) throws(RundownViolation) -> Bool {
        try acquire(count: count, hooks: NoAtomicHooks())
    }

    /// ``acquire(count:)`` with `hooks` called before each atomic operation.
    @inlinable
    public func acquire<H: RundownAtomicHooks>(count: UInt32 = 1, hooks: H) throws(RundownViolation) -> Bool {
        hooks.atomicStep(.load(.word))
        let v = word.load(ordering: .relaxed)
        if v & 1 == 0 && count &- 1 < 0x7FFF_FFFF {
            hooks.atomicStep(.compareExchange(.word))
            if word.compareExchange(
                expected: v, desired: v &+ (UInt(count) &<< 1), ordering: .sequentiallyConsistent
            ).exchanged {
                return true
            }
        }
        if H.self == NoAtomicHooks.self { return try acquireSlow(count: count) }
        return try acquireSlow(count: count, hooks: hooks)
    }

    /// ExReleaseRundownProtection(Ex): removes `count` holders; while a waiter waits, the
    /// release that brings its count to zero wakes it. Never blocks.
    @inlinable
    public func release(count: UInt32 = 1) throws(RundownViolation) {
        try release(count: count, hooks: NoAtomicHooks())
    }

    /// ``release(count:)`` with `hooks` called before each atomic operation.
    @inlinable
    public func release<H: RundownAtomicHooks>(count: UInt32 = 1, hooks: H) throws(RundownViolation) {
        hooks.atomicStep(.load(.word))
        let v = word.load(ordering: .relaxed)
        let decrement = UInt(count) &<< 1
        if v & 1 == 0 && v >= decrement && count &- 1 < 0x7FFF_FFFF {
            hooks.atomicStep(.compareExchange(.word))
            if word.compareExchange(expected: v, desired: v &- decrement, ordering: .sequentiallyConsistent)
                .exchanged
            {
                return
            }
        }
        if H.self == NoAtomicHooks.self { return try releaseSlow(count: count) }
        try releaseSlow(count: count, hooks: hooks)
    }

    // MARK: - Slow paths

    /// The slow paths of ordinary use: not generic, so the fast paths inlined into another
    /// module call them directly.
    @usableFromInline @inline(never)
    func acquireSlow(count: UInt32) throws(RundownViolation) -> Bool {
        try acquireSlow(count: count, hooks: NoAtomicHooks())
    }

    @usableFromInline @inline(never)
    func releaseSlow(count: UInt32) throws(RundownViolation) {
        try releaseSlow(count: count, hooks: NoAtomicHooks())
    }

    @usableFromInline
    func acquireSlow<H: RundownAtomicHooks>(count: UInt32, hooks: H) throws(RundownViolation) -> Bool {
        if count > 0x7FFF_FFFF { throw .countOutOfRange(count) }
        hooks.atomicStep(.load(.word))
        var v = word.load(ordering: .sequentiallyConsistent)
        while true {
            if v & 1 != 0 {
                if count == 0 && v != 1 && block.isInUse(hooks) { throw .countOutOfRange(0) }
                return false
            }
            if count == 0 { return true }
            hooks.atomicStep(.compareExchange(.word))
            let (exchanged, seen) = word.compareExchange(
                expected: v, desired: v &+ (UInt(count) &<< 1), ordering: .sequentiallyConsistent)
            if exchanged { return true }
            v = seen
        }
    }

    @usableFromInline
    func releaseSlow<H: RundownAtomicHooks>(count: UInt32, hooks: H) throws(RundownViolation) {
        if count > 0x7FFF_FFFF { throw .countOutOfRange(count) }
        hooks.atomicStep(.load(.word))
        var v = word.load(ordering: .sequentiallyConsistent)
        while true {
            if v & 1 == 0 {
                if count == 0 { return }
                let holders = v >> 1
                if holders < UInt(count) {
                    throw .releaseWithoutAcquire(outstanding: Int(holders), requested: count)
                }
                hooks.atomicStep(.compareExchange(.word))
                let (exchanged, seen) = word.compareExchange(
                    expected: v, desired: v &- (UInt(count) &<< 1), ordering: .sequentiallyConsistent)
                if exchanged { return }
                v = seen
                continue
            }
            if v == 1 { throw .releaseAfterRundown(.completed) }
            if try block.release(count: count, hooks: hooks) {
                observer?.rundownDidWakeWaiter(self)
            }
            return
        }
    }

    // MARK: - Wait, completed, reinitialize, initialize

    /// ExWaitForRundownProtectionRelease: makes every later acquire fail, then returns once
    /// every reference granted before that point has been released.
    ///
    /// Sleeps on a futex when there are holders (no spinning, no polling); returns at once when
    /// there are none. A wait on a stale word returns at once (see ``WaitOutcome``).
    public func waitForRelease() throws(RundownViolation) -> WaitOutcome {
        try waitForRelease(hooks: NoAtomicHooks())
    }

    /// ``waitForRelease()`` with `hooks` called before each atomic operation and futex call.
    public func waitForRelease<H: RundownAtomicHooks>(hooks: H) throws(RundownViolation) -> WaitOutcome {
        hooks.atomicStep(.compareExchange(.word))
        var v = word.compareExchange(expected: 0, desired: 1, ordering: .sequentiallyConsistent).original
        if v == 0 { return .noHolders }
        if v == 1 { return .alreadyCompleted }
        if v & 1 != 0 {
            if block.isInUse(hooks) { throw .concurrentWait }
            return .staleReturnedAtOnce
        }
        guard let previousPhase = block.claim(as: WaitBlock.waiting, hooks: hooks) else {
            throw .concurrentWait
        }
        hooks.atomicStep(.store(.event))
        block.event.pointee.store(0, ordering: .sequentiallyConsistent)
        var n: UInt = 0
        while true {
            if v & 1 != 0 {
                // Another waiter took the fast path (0 → 1) while this one was looping.
                hooks.atomicStep(.store(.phase))
                block.phase.pointee.store(previousPhase, ordering: .sequentiallyConsistent)
                throw .concurrentWait
            }
            n = v >> 1
            hooks.atomicStep(.store(.count))
            block.count.pointee.store(Int(n), ordering: .sequentiallyConsistent)
            hooks.atomicStep(.compareExchange(.word))
            let (exchanged, seen) = word.compareExchange(
                expected: v, desired: block.marked, ordering: .sequentiallyConsistent)
            if exchanged { break }
            v = seen
        }
        if n == 0 {
            hooks.atomicStep(.store(.phase))
            block.phase.pointee.store(WaitBlock.returned, ordering: .sequentiallyConsistent)
            return .drainedBeforeBlocking
        }
        hooks.atomicStep(.load(.event))
        if block.event.pointee.load(ordering: .acquiring) == 0 {
            hooks.atomicStep(.futexWait)
            // The observer hears of the sleep only if the event is still clear right before the
            // futex wait: a release may have signalled since the check above.
            let slept = block.sleepUntilSignalled {
                let outstanding = block.count.pointee.load(ordering: .sequentiallyConsistent)
                observer?.rundownWillBlock(self, outstanding: max(outstanding, 0))
            }
            if slept { observer?.rundownStep(self, at: .woke) }
        }
        hooks.atomicStep(.store(.phase))
        block.phase.pointee.store(WaitBlock.returned, ordering: .sequentiallyConsistent)
        return .blocked
    }

    /// ExRundownCompleted: after a wait, makes the word exactly 1 (completed). Idempotent.
    public func rundownCompleted() throws(RundownViolation) {
        try rundownCompleted(hooks: NoAtomicHooks())
    }

    /// ``rundownCompleted()`` with `hooks` called before each atomic operation.
    public func rundownCompleted<H: RundownAtomicHooks>(hooks: H) throws(RundownViolation) {
        hooks.atomicStep(.load(.word))
        var v = word.load(ordering: .sequentiallyConsistent)
        while true {
            if v & 1 == 0 { throw .completedWithoutWait }
            if v == 1 { return }
            if block.isInUse(hooks) { throw .completedWhileWaiting }
            hooks.atomicStep(.compareExchange(.word))
            let (exchanged, seen) = word.compareExchange(
                expected: v, desired: 1, ordering: .sequentiallyConsistent)
            if exchanged { return }
            v = seen
        }
    }

    /// ExReInitializeRundownProtection: from stale or completed, live again with no holders.
    public func reinitialize() throws(RundownViolation) {
        try reinitialize(hooks: NoAtomicHooks())
    }

    /// ``reinitialize()`` with `hooks` called before each atomic operation.
    public func reinitialize<H: RundownAtomicHooks>(hooks: H) throws(RundownViolation) {
        hooks.atomicStep(.load(.word))
        var v = word.load(ordering: .sequentiallyConsistent)
        while true {
            if v & 1 == 0 { throw .reinitWithoutRundown }
            if v != 1 && block.isInUse(hooks) { throw .reinitWhileWaiting }
            hooks.atomicStep(.compareExchange(.word))
            let (exchanged, seen) = word.compareExchange(
                expected: v, desired: 0, ordering: .sequentiallyConsistent)
            if exchanged { return }
            v = seen
        }
    }

    /// ExInitializeRundownProtection: live with no holders. Harmless on an idle reference and
    /// tolerated on a stale or completed one; refused while there are holders or a waiter.
    public func initialize() throws(RundownViolation) {
        var v = word.load(ordering: .sequentiallyConsistent)
        while true {
            if v == 0 { return }
            if v & 1 == 0 { throw .initializeWhileInUse }
            if v != 1 && block.isInUse { throw .initializeWhileInUse }
            let (exchanged, seen) = word.compareExchange(
                expected: v, desired: 0, ordering: .sequentiallyConsistent)
            if exchanged { return }
            v = seen
        }
    }

    // MARK: - Saving and restoring (exploration)

    /// The word and the wait block, for a scheduler that restarts from a saved state.
    package func saveState() -> [UInt] { [word.load(ordering: .sequentiallyConsistent)] + block.saveState() }

    /// Puts back what ``saveState()`` returned. Only while no thread is inside a call.
    package func restoreState(_ state: [UInt]) {
        word.store(state[0], ordering: .sequentiallyConsistent)
        block.restoreState(Array(state[1...]))
    }

    /// Signals the wait block, so a blocked waiter returns (a schedule that ended blocked).
    package func forceWake() { block.signal() }

    // MARK: - Introspection

    /// The state (from the specification's state machine) and the outstanding references.
    public func snapshot() -> RundownSnapshot {
        let v = word.load(ordering: .sequentiallyConsistent)
        if let live = Self.liveSnapshot(word: v) { return live }
        if v == 1 { return RundownSnapshot(state: .completed, holders: 0, word: v, slots: nil) }
        if block.isInUse {
            let n = block.count.pointee.load(ordering: .sequentiallyConsistent)
            return RundownSnapshot(state: .waiting, holders: max(n, 0), word: v, slots: nil)
        }
        return RundownSnapshot(state: .stale, holders: 0, word: v, slots: nil)
    }

    /// What ``snapshot()`` returns for `word` when it is live (bit 0 clear: the holders are
    /// the word over 2), nil otherwise: the other states also read the wait block.
    public static func liveSnapshot(word: UInt) -> RundownSnapshot? {
        guard word & 1 == 0 else { return nil }
        return RundownSnapshot(state: .live, holders: Int(word >> 1), word: word, slots: nil)
    }

    /// The word as the calling thread sees it, by a relaxed load: after a routine it called
    /// returned, at least that routine's own change. It is the object's current word only
    /// while no other thread can be inside a call on it (rdsh's worker reads it after each
    /// call, for the coordinator's check of the next one; see `Session.settledSnapshot`).
    public func loadWord() -> UInt { word.load(ordering: .relaxed) }
}

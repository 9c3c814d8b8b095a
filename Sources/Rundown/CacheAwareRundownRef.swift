import CRundownSupport
import Synchronization

/// `EX_RUNDOWN_REF_CACHE_AWARE`: a header plus one run-down word per processor, each slot on
/// its own 64-byte cache line, laid out in real memory exactly as the x64 kernel does.
///
/// Acquire and release touch only the slot of the processor the caller names (`processor mod
/// slotCount`), so threads on different processors never share a cache line. A single slot may
/// go "negative" (acquired on one processor, released on another); only the modular sum of
/// the slots means anything. The wait marks every slot with `&block | 1`, adds up what it
/// replaced, and sleeps on a futex until that total has been released.
///
/// Header (24 bytes): `RunRefs` (address of slot 0) at 0, `PoolToFree` (the raw slot block, or
/// the sentinel 0x0BADCA11 for caller storage) at 8, `RunRefSize` (slot stride) at 16,
/// `Number` (slot count) at 20.
public final class CacheAwareRundownRef: Sendable {
    /// `sizeof(EX_RUNDOWN_REF_CACHE_AWARE)` on x64.
    public static let headerSize = 24
    /// `sizeof(EX_RUNDOWN_REF)` on x64.
    public static let wordSize = 8
    /// `KeGetRecommendedSharedDataAlignment()`: the cache line.
    public static let cacheLine = 64
    /// `PoolToFree` of a structure laid out in caller storage.
    public static let callerStorageSentinel: UInt = 0x0BAD_CA11
    /// What every slot holds after Free: bit 0 set (so acquire and release leave the fast path),
    /// and never equal to 1 or to a wait block's `&block | 1`.
    @usableFromInline static let freedPoison: UInt = 0xF4EE_DF4E_EDF4_EE03
    /// Processor counts are clamped to this range.
    public static let processorRange = 1...4096

    @usableFromInline let slotBase: UInt
    @usableFromInline let stride: UInt
    @usableFromInline let number: UInt
    let block: WaitBlock
    let observer: (any RundownObserver)?
    let headerAddress: UInt
    let freed: Atomic<Bool>
    let pool: RundownPool?
    let headerBlock: PoolBlock?
    let slotsBlock: PoolBlock?
    /// Caller storage to deallocate (Initialize'd objects).
    let storageBase: UInt?

    /// Number of slots (`Number` in the header).
    public var slotCount: Int { Int(number) }
    /// True when the object came from ``allocate(poolType:tag:processorCount:pool:observer:)``.
    public var isAllocated: Bool { headerBlock != nil }
    /// Bytes of storage: the size given to Initialize, or header + slot block for Allocate.
    public let storageSize: Int
    /// True once Free succeeded.
    public var isFreed: Bool { freed.load(ordering: .sequentiallyConsistent) }

    private init(
        header: UInt, slotBase: UInt, stride: Int, number: Int, storageSize: Int,
        pool: RundownPool?, headerBlock: PoolBlock?, slotsBlock: PoolBlock?, storageBase: UInt?,
        observer: (any RundownObserver)?
    ) {
        self.headerAddress = header
        self.slotBase = slotBase
        self.stride = UInt(stride)
        self.number = UInt(number)
        self.storageSize = storageSize
        self.pool = pool
        self.headerBlock = headerBlock
        self.slotsBlock = slotsBlock
        self.storageBase = storageBase
        self.observer = observer
        self.block = WaitBlock.make()
        self.freed = Atomic(false)
        for i in 0..<number {
            UnsafeMutableRawPointer(bitPattern: slotBase + UInt(i * stride))!
                .bindMemory(to: Atomic<UInt>.self, capacity: 1)
                .initialize(to: Atomic<UInt>(0))
        }
    }

    deinit {
        block.deallocate()
        headerBlock?.deallocate()
        slotsBlock?.deallocate()
        if let storageBase { UnsafeMutableRawPointer(bitPattern: storageBase)!.deallocate() }
    }

    // MARK: - Size, allocate, initialize

    /// ExSizeOfRundownProtectionCacheAware for `processorCount` processors:
    /// `24 + (N <= 1 ? 8 : (N + 1) * 64)` (344 for 4, 600 for 8, 32 for 1).
    public static func size(processorCount: Int) -> Int {
        let n = min(max(processorCount, processorRange.lowerBound), processorRange.upperBound)
        return headerSize + (n <= 1 ? wordSize : (n + 1) * cacheLine)
    }

    /// ExAllocateCacheAwareRundownProtection: the header and an aligned slot block from `pool`,
    /// tagged; nil (NULL) when an allocation fails, with nothing left allocated.
    public static func allocate(
        poolType: PoolType, tag: UInt32, processorCount: Int, pool: RundownPool,
        observer: (any RundownObserver)? = nil
    ) -> CacheAwareRundownRef? {
        let n = min(max(processorCount, processorRange.lowerBound), processorRange.upperBound)
        guard let header = pool.allocate(bytes: headerSize, type: poolType, tag: tag) else { return nil }
        let stride = n > 1 ? cacheLine : wordSize
        guard var slots = pool.allocate(bytes: stride * n, type: poolType, tag: tag) else {
            header.deallocate()
            pool.free(header.allocation.id)
            return nil
        }
        var runRefs = slots.address
        if n > 1 && slots.address % UInt(cacheLine) != 0 {
            // Not aligned: free it and take one slot more, rounded up (spec §3.8 step 3).
            slots.deallocate()
            pool.free(slots.allocation.id)
            guard let again = pool.allocate(bytes: stride * (n + 1), type: poolType, tag: tag) else {
                header.deallocate()
                pool.free(header.allocation.id)
                return nil
            }
            slots = again
            runRefs = alignUp(again.address)
        }
        writeHeader(
            at: header.address, runRefs: runRefs, poolToFree: slots.address, stride: stride, number: n)
        return CacheAwareRundownRef(
            header: header.address, slotBase: runRefs, stride: stride, number: n,
            storageSize: header.allocation.bytes + slots.allocation.bytes, pool: pool,
            headerBlock: header, slotsBlock: slots, storageBase: nil, observer: observer)
    }

    /// ExInitializeRundownProtectionCacheAware in caller storage of `storageSize` bytes.
    ///
    /// The slot count is derived from the size as the kernel does (`size == 32` → 1 slot,
    /// otherwise `(size - 24) / 64 - 1`). Sizes the SizeOf formula cannot produce, or (when
    /// `processorCount` is given) any size other than SizeOf's for that count, are refused.
    public static func initialize(
        storageSize: Int, processorCount: Int? = nil, observer: (any RundownObserver)? = nil
    ) throws(RundownViolation) -> CacheAwareRundownRef {
        let number = try slotCount(forStorageSize: storageSize, processorCount: processorCount)
        // Caller storage: 16-byte aligned like a pool block or a stack buffer; slots are
        // rounded up to the cache line inside it.
        let base = UnsafeMutableRawPointer.allocate(byteCount: storageSize, alignment: 16)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: storageSize)
        let header = UInt(bitPattern: base)
        let stride = number == 1 ? wordSize : cacheLine
        let runRefs = number == 1 ? header + UInt(headerSize) : alignUp(header + UInt(headerSize))
        writeHeader(
            at: header, runRefs: runRefs, poolToFree: callerStorageSentinel, stride: stride, number: number)
        return CacheAwareRundownRef(
            header: header, slotBase: runRefs, stride: stride, number: number, storageSize: storageSize,
            pool: nil, headerBlock: nil, slotsBlock: nil, storageBase: header, observer: observer)
    }

    /// The slot count ExInitializeRundownProtectionCacheAware derives from `storageSize`, or
    /// `sizeMismatch` when the size is not one SizeOf returns.
    public static func slotCount(
        forStorageSize storageSize: Int, processorCount: Int? = nil
    ) throws(RundownViolation) -> Int {
        if let processorCount {
            let expected = size(processorCount: processorCount)
            if storageSize != expected { throw .sizeMismatch(given: storageSize, expected: expected) }
        }
        if storageSize == headerSize + wordSize { return 1 }
        let body = storageSize - headerSize
        let maxSize = size(processorCount: processorRange.upperBound)
        if storageSize < headerSize + 3 * cacheLine || body % cacheLine != 0 || storageSize > maxSize {
            let expected: Int
            if storageSize <= headerSize + wordSize {
                expected = headerSize + wordSize
            } else if storageSize > maxSize {
                expected = maxSize
            } else {
                expected = size(processorCount: max(2, (body + cacheLine - 1) / cacheLine - 1))
            }
            throw .sizeMismatch(given: storageSize, expected: expected)
        }
        return body / cacheLine - 1
    }

    /// ExInitializeRundownProtectionCacheAware again on this object's storage: every slot back
    /// to 0. Refused while there are holders or a waiter, on freed objects, with a different
    /// size, and on allocated objects (their header block is only 24 bytes: the kernel would
    /// write the slots past it).
    public func reinitializeStorage(storageSize: Int) throws(RundownViolation) {
        if isFreed { throw .useAfterFree }
        if isAllocated { throw .sizeMismatch(given: storageSize, expected: Self.headerSize) }
        if storageSize != self.storageSize {
            throw .sizeMismatch(given: storageSize, expected: self.storageSize)
        }
        if block.isInUse { throw .initializeWhileInUse }
        let values = slotWords()
        if values.allSatisfy({ $0 & 1 == 0 }) {
            if values.reduce(0, &+) != 0 { throw .initializeWhileInUse }
        } else if !values.allSatisfy({ $0 & 1 != 0 }) {
            throw .initializeWhileInUse
        }
        for i in 0..<number { slot(at: i).pointee.store(0, ordering: .sequentiallyConsistent) }
    }

    // MARK: - Fast paths

    /// The processor the calling thread runs on right now (what `KeGetCurrentProcessorNumber`
    /// gives a driver): read inline from the thread's rseq area, a fraction of a nanosecond.
    /// Pass it to ``acquire(processor:count:)`` and ``release(processor:count:)`` to use the
    /// slot of the real processor.
    @inlinable
    public static func currentProcessor() -> Int { Int(rd_current_cpu_fast()) }

    @inlinable
    func slot(_ processor: Int) -> UnsafeMutablePointer<Atomic<UInt>> {
        let p = UInt(bitPattern: processor)
        let i = p < number ? p : p % number
        return UnsafeMutablePointer<Atomic<UInt>>(bitPattern: slotBase &+ i &* stride).unsafelyUnwrapped
    }

    /// The index of `processor`'s slot (for naming atomic steps). Never traps, so with
    /// ``NoAtomicHooks`` (the name unused) the compiler drops it.
    @inlinable
    func slotIndex(_ processor: Int) -> Int {
        let p = UInt(bitPattern: processor)
        return Int(bitPattern: p < number ? p : p.remainderReportingOverflow(dividingBy: number).partialValue)
    }

    @inlinable
    func slot(at index: UInt) -> UnsafeMutablePointer<Atomic<UInt>> {
        UnsafeMutablePointer<Atomic<UInt>>(bitPattern: slotBase &+ index &* stride).unsafelyUnwrapped
    }

    /// ExAcquireRundownProtectionCacheAware(Ex) on `processor`'s slot: all `count` or none.
    /// False once the wait has marked that slot (or the object is run down).
    @inlinable
    public func acquire(processor: Int, count: UInt32 = 1) throws(RundownViolation) -> Bool {
        try acquire(processor: processor, count: count, hooks: NoAtomicHooks())
    }

    /// ``acquire(processor:count:)`` with `hooks` called before each atomic operation.
    @inlinable
    public func acquire<H: RundownAtomicHooks>(processor: Int, count: UInt32 = 1, hooks: H)
        throws(RundownViolation) -> Bool
    {
        let s = slot(processor)
        hooks.atomicStep(.load(.slot(slotIndex(processor))))
        let v = s.pointee.load(ordering: .relaxed)
        if v & 1 == 0 && count &- 1 < 0x7FFF_FFFF {
            hooks.atomicStep(.compareExchange(.slot(slotIndex(processor))))
            if s.pointee.compareExchange(
                expected: v, desired: v &+ (UInt(count) &<< 1), ordering: .sequentiallyConsistent
            ).exchanged {
                return true
            }
        }
        if H.self == NoAtomicHooks.self { return try acquireSlow(processor: processor, count: count) }
        return try acquireSlow(processor: processor, count: count, hooks: hooks)
    }

    /// ExReleaseRundownProtectionCacheAware(Ex) on `processor`'s slot, which need not be the
    /// slot the acquire used. While a wait is in progress, subtracts from the waiter's count
    /// and wakes it when that reaches zero.
    @inlinable
    public func release(processor: Int, count: UInt32 = 1) throws(RundownViolation) {
        try release(processor: processor, count: count, hooks: NoAtomicHooks())
    }

    /// ``release(processor:count:)`` with `hooks` called before each atomic operation.
    @inlinable
    public func release<H: RundownAtomicHooks>(processor: Int, count: UInt32 = 1, hooks: H)
        throws(RundownViolation)
    {
        let s = slot(processor)
        hooks.atomicStep(.load(.slot(slotIndex(processor))))
        let v = s.pointee.load(ordering: .relaxed)
        let decrement = UInt(count) &<< 1
        if v & 1 == 0 && Int(bitPattern: v) >= Int(bitPattern: decrement) && count &- 1 < 0x7FFF_FFFF {
            hooks.atomicStep(.compareExchange(.slot(slotIndex(processor))))
            if s.pointee.compareExchange(
                expected: v, desired: v &- decrement, ordering: .sequentiallyConsistent
            )
            .exchanged {
                return
            }
        }
        if H.self == NoAtomicHooks.self { return try releaseSlow(processor: processor, count: count) }
        try releaseSlow(processor: processor, count: count, hooks: hooks)
    }

    // MARK: - Slow paths

    /// The slow paths of ordinary use: not generic, so the fast paths inlined into another
    /// module call them directly.
    @usableFromInline @inline(never)
    func acquireSlow(processor: Int, count: UInt32) throws(RundownViolation) -> Bool {
        try acquireSlow(processor: processor, count: count, hooks: NoAtomicHooks())
    }

    @usableFromInline @inline(never)
    func releaseSlow(processor: Int, count: UInt32) throws(RundownViolation) {
        try releaseSlow(processor: processor, count: count, hooks: NoAtomicHooks())
    }

    @usableFromInline
    func acquireSlow<H: RundownAtomicHooks>(processor: Int, count: UInt32, hooks: H) throws(RundownViolation)
        -> Bool
    {
        if isFreed { throw .useAfterFree }
        if count > 0x7FFF_FFFF { throw .countOutOfRange(count) }
        let s = slot(processor)
        let target = RundownAtomicTarget.slot(slotIndex(processor))
        hooks.atomicStep(.load(target))
        var v = s.pointee.load(ordering: .sequentiallyConsistent)
        while true {
            if v & 1 != 0 {
                if v == Self.freedPoison { throw .useAfterFree }
                if count == 0 && v == block.marked && block.isInUse(hooks) { throw .countOutOfRange(0) }
                return false
            }
            if count == 0 { return true }
            hooks.atomicStep(.compareExchange(target))
            let (exchanged, seen) = s.pointee.compareExchange(
                expected: v, desired: v &+ (UInt(count) &<< 1), ordering: .sequentiallyConsistent)
            if exchanged { return true }
            v = seen
        }
    }

    @usableFromInline
    func releaseSlow<H: RundownAtomicHooks>(processor: Int, count: UInt32, hooks: H) throws(RundownViolation)
    {
        if isFreed { throw .useAfterFree }
        if count > 0x7FFF_FFFF { throw .countOutOfRange(count) }
        let s = slot(processor)
        let target = RundownAtomicTarget.slot(slotIndex(processor))
        hooks.atomicStep(.load(target))
        var v = s.pointee.load(ordering: .sequentiallyConsistent)
        while true {
            if v & 1 == 0 {
                if count == 0 { return }
                // The slot may go "negative": the reference may have been acquired on another
                // processor. Whether enough references are outstanding is a question about the
                // sum of all slots, which no lock-free read can answer exactly while other
                // threads acquire on one slot and release on another, so the library does not
                // ask it: the contract checker does, from the ledger, while every thread is
                // settled. (Spec §3.11: the kernel does not check either.)
                hooks.atomicStep(.compareExchange(target))
                let (exchanged, seen) = s.pointee.compareExchange(
                    expected: v, desired: v &- (UInt(count) &<< 1), ordering: .sequentiallyConsistent)
                if exchanged { return }
                v = seen
                continue
            }
            if v == Self.freedPoison { throw .useAfterFree }
            if v == 1 {
                // A ReInitialize in progress sets every slot to 1 and then clears them from
                // slot 0 up: a release that lands on a slot still at 1 goes to slot 0, as in
                // modern kernels, whatever slot 0 holds by then: live, or already marked by the
                // next wait (the release then goes to that wait's block). Only slot 0 itself at
                // 1 means completed. (Deciding "completed" from slot 0 having bit 0 set refused
                // a legitimate release when the next wait had marked slot 0 in between: that
                // wait then waited forever for the refused reference.)
                if s != slot(at: 0) {
                    if hooks.refusesRedirectToMarkedSlotZero {
                        hooks.atomicStep(.load(.slot(0)))
                        if slot(at: 0).pointee.load(ordering: .sequentiallyConsistent) & 1 != 0 {
                            throw .releaseAfterRundown(.completed)
                        }
                    }
                    return try releaseSlow(processor: 0, count: count, hooks: hooks)
                }
                throw .releaseAfterRundown(.completed)
            }
            if try block.release(count: count, hooks: hooks) {
                observer?.rundownDidWakeWaiter(self)
            }
            return
        }
    }

    // MARK: - Wait, completed, reinitialize, free

    /// ExWaitForRundownProtectionReleaseCacheAware: marks every slot in index order (acquires
    /// on a marked slot fail), adds up the outstanding holders, and sleeps on a futex until
    /// they have all been released. From live with no holders it returns at once but leaves
    /// the object stale, not completed. A wait on a stale or completed object is refused
    /// (`waitAfterRundown`): the kernel has no shortcut there and hangs.
    public func waitForRelease() throws(RundownViolation) -> WaitOutcome {
        try waitForRelease(hooks: NoAtomicHooks())
    }

    /// ``waitForRelease()`` with `hooks` called before each atomic operation and futex call.
    public func waitForRelease<H: RundownAtomicHooks>(hooks: H) throws(RundownViolation) -> WaitOutcome {
        if isFreed { throw .useAfterFree }
        guard let previousPhase = block.claim(as: WaitBlock.sweeping, hooks: hooks) else {
            throw .concurrentWait
        }
        for i in 0..<number {
            hooks.atomicStep(.load(.slot(Int(i))))
            let v = slot(at: i).pointee.load(ordering: .sequentiallyConsistent)
            if v & 1 != 0 {
                block.phase.pointee.store(previousPhase, ordering: .sequentiallyConsistent)
                throw v == Self.freedPoison ? .useAfterFree : .waitAfterRundown
            }
        }
        hooks.atomicStep(.store(.count))
        block.count.pointee.store(0, ordering: .sequentiallyConsistent)
        hooks.atomicStep(.store(.event))
        block.event.pointee.store(0, ordering: .sequentiallyConsistent)
        var total: UInt = 0
        for i in 0..<number {
            if i > 0 {
                observer?.rundownStep(self, at: .sweep(slot: Int(i), total: total))
                // A scheduler may have let another thread free the object between two slots.
                if isFreed {
                    block.phase.pointee.store(previousPhase, ordering: .sequentiallyConsistent)
                    throw .useAfterFree
                }
            }
            hooks.atomicStep(.exchange(.slot(Int(i))))
            let old = slot(at: i).pointee.exchange(block.marked, ordering: .sequentiallyConsistent)
            total &+= old
        }
        if total == 0 {
            hooks.atomicStep(.store(.phase))
            block.phase.pointee.store(WaitBlock.returned, ordering: .sequentiallyConsistent)
            return .noHolders
        }
        // Unsigned: the holder count may reach 2^63 - 1 (spec §7.8). Slots that went negative
        // (released on another processor) cancel out in the modular sum.
        let n = Int(truncatingIfNeeded: total >> 1)
        hooks.atomicStep(.add(.count))
        let before = block.count.pointee.wrappingAdd(n, ordering: .sequentiallyConsistent).oldValue
        hooks.atomicStep(.store(.phase))
        block.phase.pointee.store(WaitBlock.waiting, ordering: .sequentiallyConsistent)
        if before == 0 &- n {
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

    /// ExRundownCompletedCacheAware: every slot exactly 1. Needs a preceding wait.
    public func rundownCompleted() throws(RundownViolation) {
        try rundownCompleted(hooks: NoAtomicHooks())
    }

    /// ``rundownCompleted()`` with `hooks` called before each atomic operation.
    public func rundownCompleted<H: RundownAtomicHooks>(hooks: H) throws(RundownViolation) {
        if isFreed { throw .useAfterFree }
        if block.isInUse(hooks) { throw .completedWhileWaiting }
        if slotWords(hooks).contains(where: { $0 & 1 == 0 }) { throw .completedWithoutWait }
        for i in 0..<number {
            if i > 0 {
                observer?.rundownStep(self, at: .completedSlot(Int(i)))
                if isFreed { throw .useAfterFree }
            }
            hooks.atomicStep(.exchange(.slot(Int(i))))
            _ = slot(at: i).pointee.exchange(1, ordering: .sequentiallyConsistent)
        }
    }

    /// ExReInitializeRundownProtectionCacheAware: every slot back to 0 (live). Needs a
    /// preceding wait.
    ///
    /// As in modern kernels, every slot is first set to 1 (completed) and then cleared from
    /// slot 0 up, so a thread that acquires on a slot cleared early and releases on one not
    /// yet cleared is redirected to slot 0 instead of hitting a stale slot.
    public func reinitialize() throws(RundownViolation) {
        try reinitialize(hooks: NoAtomicHooks())
    }

    /// ``reinitialize()`` with `hooks` called before each atomic operation.
    public func reinitialize<H: RundownAtomicHooks>(hooks: H) throws(RundownViolation) {
        if isFreed { throw .useAfterFree }
        if block.isInUse(hooks) { throw .reinitWhileWaiting }
        if slotWords(hooks).contains(where: { $0 & 1 == 0 }) { throw .reinitWithoutRundown }
        for i in 0..<number {
            if i > 0 {
                observer?.rundownStep(self, at: .reinitializeSlot(pass: 0, slot: Int(i)))
                if isFreed { throw .useAfterFree }
            }
            hooks.atomicStep(.exchange(.slot(Int(i))))
            _ = slot(at: i).pointee.exchange(1, ordering: .sequentiallyConsistent)
        }
        for i in 0..<number {
            observer?.rundownStep(self, at: .reinitializeSlot(pass: 1, slot: Int(i)))
            if isFreed { throw .useAfterFree }
            hooks.atomicStep(.exchange(.slot(Int(i))))
            _ = slot(at: i).pointee.exchange(0, ordering: .sequentiallyConsistent)
        }
    }

    /// ExFreeCacheAwareRundownProtection: only for allocated objects with no holders and no
    /// waiter (live and idle, stale, or completed). The pool forgets both blocks; every slot is
    /// poisoned, so any later use is reported as `useAfterFree`. The memory itself is kept until
    /// the object is deinitialized, so misuse can never touch freed memory.
    public func free() throws(RundownViolation) {
        if isFreed { throw .useAfterFree }
        guard let headerBlock, let slotsBlock, let pool else { throw .freeNotAllocated }
        if block.isInUse {
            let n = block.count.pointee.load(ordering: .sequentiallyConsistent)
            throw .freeWhileInUse(outstanding: max(n, 0))
        }
        let values = slotWords()
        if values.allSatisfy({ $0 & 1 == 0 }) {
            let holders = Int(bitPattern: values.reduce(0, &+)) >> 1
            if holders != 0 { throw .freeWhileInUse(outstanding: holders) }
        } else if !values.allSatisfy({ $0 & 1 != 0 }) {
            throw .freeWhileInUse(outstanding: 0)
        }
        // Poison slot by slot, expecting exactly what was checked; a concurrent acquire or
        // release in between undoes the poisoning and refuses the free.
        for i in 0..<number {
            let (exchanged, _) = slot(at: i).pointee.compareExchange(
                expected: values[Int(i)], desired: Self.freedPoison, ordering: .sequentiallyConsistent)
            if !exchanged {
                for j in 0..<i {
                    slot(at: j).pointee.store(values[Int(j)], ordering: .sequentiallyConsistent)
                }
                throw .freeWhileInUse(outstanding: max(0, Int(bitPattern: slotWords().reduce(0, &+)) >> 1))
            }
        }
        freed.store(true, ordering: .sequentiallyConsistent)
        pool.free(slotsBlock.allocation.id)
        pool.free(headerBlock.allocation.id)
    }

    /// True when a release on `processor`'s slot would be redirected to slot 0: the slot reads
    /// exactly 1 (a reinitialize has not cleared it yet) while slot 0 is live again.
    package func releaseRedirectsToSlotZero(processor: Int) -> Bool {
        let s = slot(processor)
        let first = slot(at: 0)
        return s != first && s.pointee.load(ordering: .sequentiallyConsistent) == 1
            && first.pointee.load(ordering: .sequentiallyConsistent) & 1 == 0
    }

    // MARK: - Saving and restoring (exploration)

    /// The slot words, the wait block and the freed flag, for a scheduler that restarts from a
    /// saved state.
    package func saveState() -> [UInt] {
        [isFreed ? 1 : 0] + block.saveState() + slotWords()
    }

    /// Puts back what ``saveState()`` returned. Only while no thread is inside a call.
    package func restoreState(_ state: [UInt]) {
        freed.store(state[0] != 0, ordering: .sequentiallyConsistent)
        block.restoreState(Array(state[1...3]))
        for i in 0..<number {
            slot(at: i).pointee.store(state[4 + Int(i)], ordering: .sequentiallyConsistent)
        }
    }

    /// Signals the wait block, so a blocked waiter returns (a schedule that ended blocked).
    package func forceWake() { block.signal() }

    // MARK: - Introspection

    /// The state, the outstanding references and the per-slot holder counts.
    public func snapshot() -> RundownSnapshot {
        if isFreed {
            return RundownSnapshot(
                state: .freed, holders: 0, word: Self.freedPoison,
                slots: Array(repeating: 0, count: Int(number)))
        }
        let values = slotWords()
        let perSlot = values.map { $0 & 1 == 0 ? Int(bitPattern: $0) >> 1 : 0 }
        let phase = block.phase.pointee.load(ordering: .sequentiallyConsistent)
        if phase == WaitBlock.sweeping {
            return RundownSnapshot(
                state: .sweeping, holders: perSlot.reduce(0, +), word: values[0], slots: perSlot)
        }
        if phase == WaitBlock.waiting {
            let n = block.count.pointee.load(ordering: .sequentiallyConsistent)
            return RundownSnapshot(state: .waiting, holders: max(n, 0), word: values[0], slots: perSlot)
        }
        if values.allSatisfy({ $0 & 1 == 0 }) {
            // Single slots may be negative, but their sum is the holder count: up to 2^63 - 1
            // (spec §7.8), so it is read unsigned.
            let sum = values.reduce(0, &+)
            return RundownSnapshot(
                state: .live, holders: Int(truncatingIfNeeded: sum >> 1), word: sum, slots: perSlot)
        }
        let state: RundownStateName = values.allSatisfy({ $0 == 1 }) ? .completed : .stale
        return RundownSnapshot(state: state, holders: 0, word: values[0], slots: perSlot)
    }

    /// The header fields as they sit in memory.
    public var header: CacheAwareHeader {
        let raw = UnsafeRawPointer(bitPattern: headerAddress)!
        return CacheAwareHeader(
            address: headerAddress,
            runRefs: raw.loadUnaligned(as: UInt.self),
            poolToFree: raw.loadUnaligned(fromByteOffset: 8, as: UInt.self),
            runRefSize: raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self),
            number: raw.loadUnaligned(fromByteOffset: 20, as: UInt32.self))
    }

    // MARK: - Helpers

    func slotWords() -> [UInt] { slotWords(NoAtomicHooks()) }

    func slotWords<H: RundownAtomicHooks>(_ hooks: H) -> [UInt] {
        (0..<number).map {
            hooks.atomicStep(.load(.slot(Int($0))))
            return slot(at: $0).pointee.load(ordering: .sequentiallyConsistent)
        }
    }

    static func alignUp(_ address: UInt) -> UInt {
        let a = UInt(cacheLine)
        return (address + a - 1) & ~(a - 1)
    }

    static func writeHeader(at address: UInt, runRefs: UInt, poolToFree: UInt, stride: Int, number: Int) {
        let raw = UnsafeMutableRawPointer(bitPattern: address)!
        raw.storeBytes(of: runRefs, as: UInt.self)
        raw.storeBytes(of: poolToFree, toByteOffset: 8, as: UInt.self)
        raw.storeBytes(of: UInt32(stride), toByteOffset: 16, as: UInt32.self)
        raw.storeBytes(of: UInt32(number), toByteOffset: 20, as: UInt32.self)
    }
}

/// The header of an `EX_RUNDOWN_REF_CACHE_AWARE` as read from memory.
public struct CacheAwareHeader: Sendable, Equatable {
    /// Where the header is.
    public let address: UInt
    /// Address of slot 0 (64-aligned when there is more than one slot).
    public let runRefs: UInt
    /// The raw slot block to free, or 0x0BADCA11 for caller storage.
    public let poolToFree: UInt
    /// Stride between slots: 64, or 8 for a single slot.
    public let runRefSize: UInt32
    /// Slot count.
    public let number: UInt32
}

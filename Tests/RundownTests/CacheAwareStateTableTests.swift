import Rundown
import Testing

/// The §4.1 cells as they apply to the cache-aware reference, and every §4.2 difference.
@Suite("Cache-aware EX_RUNDOWN_REF_CACHE_AWARE state table (spec §4.1, §4.2)", .timeLimit(.minutes(1)))
struct CacheAwareStateTableTests {
    func run(
        _ state: CacheAwareState, allocated: Bool = true, expect expected: Outcome,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ operation: (CacheAwareRundownRef) throws(RundownViolation) -> Bool?
    ) throws {
        let fixture = try CacheAwareFixture(state, allocated: allocated)
        let ref = fixture.ref
        check(
            ref.snapshot(), after: ref.snapshot, { () throws(RundownViolation) in try operation(ref) },
            expect: expected, sourceLocation: sourceLocation)
        try fixture.finish()
    }

    @Test(
        "Acquire on processor 2",
        arguments: [
            (CacheAwareState.idle, Outcome.ok(.live, holders: 1, result: true)),
            (.live, .ok(.live, holders: 3, result: true)),
            (.waiting, .ok(.waiting, holders: 2, result: false)),
            (.stale, .ok(.stale, holders: 0, result: false)),
            (.completed, .ok(.completed, holders: 0, result: false)),
            (.freed, .refused(.useAfterFree)),
        ])
    func acquire(state: CacheAwareState, expected: Outcome) throws {
        try run(state, expect: expected) { ref throws(RundownViolation) in try ref.acquire(processor: 2) }
    }

    @Test(
        "AcquireEx(3) on processor 2",
        arguments: [
            (CacheAwareState.idle, Outcome.ok(.live, holders: 3, result: true)),
            (.live, .ok(.live, holders: 5, result: true)),
            (.waiting, .ok(.waiting, holders: 2, result: false)),
            (.stale, .ok(.stale, holders: 0, result: false)),
            (.completed, .ok(.completed, holders: 0, result: false)),
            (.freed, .refused(.useAfterFree)),
        ])
    func acquireEx(state: CacheAwareState, expected: Outcome) throws {
        try run(state, expect: expected) { ref throws(RundownViolation) in
            try ref.acquire(processor: 2, count: 3)
        }
    }

    @Test(
        "Release on processor 3 (a slot the acquires did not use)",
        arguments: [
            // The library does not check a cache-aware release against the sum of the slots
            // (no lock-free read can, exactly, while other threads move references between
            // slots; the kernel does not either, spec §3.11): the sum wraps to 2^64 - 2, read as
            // 2^63 - 1 holders. The contract checker refuses this call in scripts.
            (CacheAwareState.idle, Outcome.ok(.live, holders: Int.max)),
            (.live, .ok(.live, holders: 1)),
            (.waiting, .ok(.waiting, holders: 1)),
            (.stale, .refused(.releaseAfterRundown(.stale))),
            (.completed, .refused(.releaseAfterRundown(.completed))),
            (.freed, .refused(.useAfterFree)),
        ])
    func release(state: CacheAwareState, expected: Outcome) throws {
        try run(state, expect: expected) { ref throws(RundownViolation) in
            try ref.release(processor: 3)
            return nil
        }
    }

    @Test(
        "ReleaseEx(c) on processor 3",
        arguments: [
            (CacheAwareState.live, UInt32(2), Outcome.ok(.live, holders: 0)),
            // Unchecked while live, as above: 2 - 3 wraps.
            (.live, 3, .ok(.live, holders: Int.max)),
            (.waiting, 2, .ok(.stale, holders: 0)),
            (.waiting, 3, .refused(.releaseWithoutAcquire(outstanding: 2, requested: 3))),
            (.waiting, 0, .refused(.countOutOfRange(0))),
            (.live, 0, .ok(.live, holders: 2)),
            (.live, 0x8000_0000, .refused(.countOutOfRange(0x8000_0000))),
        ])
    func releaseEx(state: CacheAwareState, count: UInt32, expected: Outcome) throws {
        let fixture = try CacheAwareFixture(state)
        let ref = fixture.ref
        let wakesWaiter = state == .waiting && count == 2
        check(
            ref.snapshot(),
            after: {
                // The release that takes the count to zero wakes the waiter: join it first,
                // so the state read is the one it leaves (stale), not a race with its return.
                if wakesWaiter { try? fixture.finish() }
                return ref.snapshot()
            },
            { () throws(RundownViolation) in
                try ref.release(processor: 3, count: count)
                return nil
            }, expect: expected)
        if wakesWaiter {
            #expect(fixture.observer.recorded.map(\.kind) == [.willBlock(2), .didWake])
        }
        try fixture.finish()
    }

    @Test(
        "Wait: CL(0) → CS (not CC); CS and CC refused (§4.2)",
        arguments: [
            (CacheAwareState.idle, Outcome.ok(.stale, holders: 0)),
            (.waiting, .refused(.concurrentWait)),
            (.stale, .refused(.waitAfterRundown)),
            (.completed, .refused(.waitAfterRundown)),
            (.freed, .refused(.useAfterFree)),
        ])
    func wait(state: CacheAwareState, expected: Outcome) throws {
        try run(state, expect: expected) { ref throws(RundownViolation) in
            #expect(try ref.waitForRelease() == .noHolders)
            return nil
        }
    }

    @Test(
        "RundownCompleted",
        arguments: [
            (CacheAwareState.idle, Outcome.refused(.completedWithoutWait)),
            (.live, .refused(.completedWithoutWait)),
            (.waiting, .refused(.completedWhileWaiting)),
            (.stale, .ok(.completed, holders: 0)),
            (.completed, .ok(.completed, holders: 0)),
            (.freed, .refused(.useAfterFree)),
        ])
    func completed(state: CacheAwareState, expected: Outcome) throws {
        try run(state, expect: expected) { ref throws(RundownViolation) in
            try ref.rundownCompleted()
            return nil
        }
    }

    @Test(
        "ReInitialize",
        arguments: [
            (CacheAwareState.idle, Outcome.refused(.reinitWithoutRundown)),
            (.live, .refused(.reinitWithoutRundown)),
            (.waiting, .refused(.reinitWhileWaiting)),
            (.stale, .ok(.live, holders: 0)),
            (.completed, .ok(.live, holders: 0)),
            (.freed, .refused(.useAfterFree)),
        ])
    func reinitialize(state: CacheAwareState, expected: Outcome) throws {
        try run(state, expect: expected) { ref throws(RundownViolation) in
            try ref.reinitialize()
            return nil
        }
    }

    @Test(
        "Free: only from CL(0), CS or CC",
        arguments: [
            (CacheAwareState.idle, Outcome.ok(.freed, holders: 0)),
            (.live, .refused(.freeWhileInUse(outstanding: 2))),
            (.waiting, .refused(.freeWhileInUse(outstanding: 2))),
            (.stale, .ok(.freed, holders: 0)),
            (.completed, .ok(.freed, holders: 0)),
            (.freed, .refused(.useAfterFree)),
        ])
    func free(state: CacheAwareState, expected: Outcome) throws {
        let fixture = try CacheAwareFixture(state)
        let ref = fixture.ref
        let outstanding = fixture.pool.outstanding
        check(
            ref.snapshot(), after: ref.snapshot,
            { () throws(RundownViolation) in
                try ref.free()
                return nil
            },
            expect: expected)
        if case .ok = expected {
            #expect(fixture.pool.outstanding.isEmpty, "free returns both blocks to the pool")
        } else {
            #expect(fixture.pool.outstanding == outstanding)
        }
        try fixture.finish()
    }

    @Test("Free of caller storage is refused", arguments: [CacheAwareState.idle, .stale, .completed])
    func freeNotAllocated(state: CacheAwareState) throws {
        try run(state, allocated: false, expect: .refused(.freeNotAllocated)) {
            ref throws(RundownViolation) in
            try ref.free()
            return nil
        }
    }

    @Test(
        "Initialize again on caller storage",
        arguments: [
            (CacheAwareState.idle, Outcome.ok(.live, holders: 0)),
            (.live, .refused(.initializeWhileInUse)),
            (.waiting, .refused(.initializeWhileInUse)),
            (.stale, .ok(.live, holders: 0)),
            (.completed, .ok(.live, holders: 0)),
        ])
    func initializeStorage(state: CacheAwareState, expected: Outcome) throws {
        try run(state, allocated: false, expect: expected) { ref throws(RundownViolation) in
            try ref.reinitializeStorage(storageSize: 344)
            return nil
        }
    }

    @Test func initializeWithAnotherSizeOrOnAllocatedMemoryIsRefused() throws {
        let stored = try CacheAwareRundownRef.initialize(storageSize: 344)
        #expect(throws: RundownViolation.sizeMismatch(given: 600, expected: 344)) {
            try stored.reinitializeStorage(storageSize: 600)
        }
        let fixture = try CacheAwareFixture(.idle)
        #expect(throws: RundownViolation.sizeMismatch(given: 344, expected: 24)) {
            try fixture.ref.reinitializeStorage(storageSize: 344)
        }
    }

    @Test("Count 0 while live is a no-op; while waiting it is refused")
    func countZero() throws {
        let live = try CacheAwareFixture(.live)
        #expect(try live.ref.acquire(processor: 0, count: 0))
        #expect(live.ref.snapshot().holders == 2)
        let waiting = try CacheAwareFixture(.waiting)
        #expect(throws: RundownViolation.countOutOfRange(0)) {
            try waiting.ref.acquire(processor: 0, count: 0)
        }
        #expect(waiting.ref.snapshot().holders == 2)
        try waiting.finish()
    }
}

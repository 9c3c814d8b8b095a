import Rundown
import Testing

/// Every cell of the specification's §4.1 table, on real threads (W has a parked waiter).
@Suite("Plain EX_RUNDOWN_REF state table (spec §4.1)", .timeLimit(.minutes(1)))
struct PlainStateTableTests {
    func run(
        _ state: PlainState, expect expected: Outcome,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ operation: (RundownRef) throws(RundownViolation) -> Bool?
    ) throws {
        let fixture = try PlainFixture(state)
        let ref = fixture.ref
        check(
            ref.snapshot(), after: ref.snapshot, { () throws(RundownViolation) in try operation(ref) },
            expect: expected, sourceLocation: sourceLocation)
        try fixture.finish()
    }

    @Test(
        "Acquire",
        arguments: [
            (PlainState.idle, Outcome.ok(.live, holders: 1, result: true)),
            (.live, .ok(.live, holders: 3, result: true)),
            (.waiting, .ok(.waiting, holders: 2, result: false)),
            (.stale, .ok(.stale, holders: 0, result: false)),
            (.completed, .ok(.completed, holders: 0, result: false)),
        ])
    func acquire(state: PlainState, expected: Outcome) throws {
        try run(state, expect: expected) { ref throws(RundownViolation) in try ref.acquire() }
    }

    @Test(
        "AcquireEx(3)",
        arguments: [
            (PlainState.idle, Outcome.ok(.live, holders: 3, result: true)),
            (.live, .ok(.live, holders: 5, result: true)),
            (.waiting, .ok(.waiting, holders: 2, result: false)),
            (.stale, .ok(.stale, holders: 0, result: false)),
            (.completed, .ok(.completed, holders: 0, result: false)),
        ])
    func acquireEx(state: PlainState, expected: Outcome) throws {
        try run(state, expect: expected) { ref throws(RundownViolation) in try ref.acquire(count: 3) }
    }

    @Test(
        "Release",
        arguments: [
            (PlainState.idle, Outcome.refused(.releaseWithoutAcquire(outstanding: 0, requested: 1))),
            (.live, .ok(.live, holders: 1)),
            (.waiting, .ok(.waiting, holders: 1)),
            (.stale, .refused(.releaseAfterRundown(.stale))),
            (.completed, .refused(.releaseAfterRundown(.completed))),
        ])
    func release(state: PlainState, expected: Outcome) throws {
        try run(state, expect: expected) { ref throws(RundownViolation) in
            try ref.release()
            return nil
        }
    }

    @Test(
        "ReleaseEx(c) with c <= n and c > n",
        arguments: [
            (
                PlainState.idle, UInt32(1),
                Outcome.refused(.releaseWithoutAcquire(outstanding: 0, requested: 1))
            ),
            (.live, 2, .ok(.live, holders: 0)),
            (.live, 3, .refused(.releaseWithoutAcquire(outstanding: 2, requested: 3))),
            (.waiting, 1, .ok(.waiting, holders: 1)),
            (.waiting, 3, .refused(.releaseWithoutAcquire(outstanding: 2, requested: 3))),
            (.stale, 2, .refused(.releaseAfterRundown(.stale))),
            (.completed, 2, .refused(.releaseAfterRundown(.completed))),
        ])
    func releaseEx(state: PlainState, count: UInt32, expected: Outcome) throws {
        try run(state, expect: expected) { ref throws(RundownViolation) in
            try ref.release(count: count)
            return nil
        }
    }

    @Test(
        "Wait (L(n≥1) blocks: see BlockWakeTests)",
        arguments: [
            (PlainState.idle, Outcome.ok(.completed, holders: 0)),
            (.waiting, .refused(.concurrentWait)),
            (.stale, .ok(.stale, holders: 0)),
            (.completed, .ok(.completed, holders: 0)),
        ])
    func wait(state: PlainState, expected: Outcome) throws {
        let outcomes: [PlainState: WaitOutcome] = [
            .idle: .noHolders, .stale: .staleReturnedAtOnce, .completed: .alreadyCompleted,
        ]
        try run(state, expect: expected) { ref throws(RundownViolation) in
            let outcome = try ref.waitForRelease()
            #expect(outcome == outcomes[state])
            return nil
        }
    }

    @Test(
        "RundownCompleted",
        arguments: [
            (PlainState.idle, Outcome.refused(.completedWithoutWait)),
            (.live, .refused(.completedWithoutWait)),
            (.waiting, .refused(.completedWhileWaiting)),
            (.stale, .ok(.completed, holders: 0)),
            (.completed, .ok(.completed, holders: 0)),
        ])
    func completed(state: PlainState, expected: Outcome) throws {
        try run(state, expect: expected) { ref throws(RundownViolation) in
            try ref.rundownCompleted()
            return nil
        }
    }

    @Test(
        "ReInitialize",
        arguments: [
            (PlainState.idle, Outcome.refused(.reinitWithoutRundown)),
            (.live, .refused(.reinitWithoutRundown)),
            (.waiting, .refused(.reinitWhileWaiting)),
            (.stale, .ok(.live, holders: 0)),
            (.completed, .ok(.live, holders: 0)),
        ])
    func reinitialize(state: PlainState, expected: Outcome) throws {
        try run(state, expect: expected) { ref throws(RundownViolation) in
            try ref.reinitialize()
            return nil
        }
    }

    @Test(
        "Initialize",
        arguments: [
            (PlainState.idle, Outcome.ok(.live, holders: 0)),
            (.live, .refused(.initializeWhileInUse)),
            (.waiting, .refused(.initializeWhileInUse)),
            (.stale, .ok(.live, holders: 0)),
            (.completed, .ok(.live, holders: 0)),
        ])
    func initialize(state: PlainState, expected: Outcome) throws {
        try run(state, expect: expected) { ref throws(RundownViolation) in
            try ref.initialize()
            return nil
        }
    }

    // MARK: - Count edge cases (spec §7.7, §7.8)

    @Test(
        "Count 0: a no-op when live, refused while a waiter waits",
        arguments: [
            (PlainState.idle, Outcome.ok(.live, holders: 0, result: true)),
            (.live, .ok(.live, holders: 2, result: true)),
            (.waiting, .refused(.countOutOfRange(0))),
            (.stale, .ok(.stale, holders: 0, result: false)),
            (.completed, .ok(.completed, holders: 0, result: false)),
        ])
    func acquireZero(state: PlainState, expected: Outcome) throws {
        try run(state, expect: expected) { ref throws(RundownViolation) in try ref.acquire(count: 0) }
    }

    @Test(
        "ReleaseEx(0)",
        arguments: [
            (PlainState.idle, Outcome.ok(.live, holders: 0)),
            (.live, .ok(.live, holders: 2)),
            (.waiting, .refused(.countOutOfRange(0))),
            (.stale, .refused(.releaseAfterRundown(.stale))),
            (.completed, .refused(.releaseAfterRundown(.completed))),
        ])
    func releaseZero(state: PlainState, expected: Outcome) throws {
        try run(state, expect: expected) { ref throws(RundownViolation) in
            try ref.release(count: 0)
            return nil
        }
    }

    @Test("Count above 0x7FFFFFFF is refused in every state", arguments: PlainState.allCases)
    func countTooLarge(state: PlainState) throws {
        try run(state, expect: .refused(.countOutOfRange(0x8000_0000))) { ref throws(RundownViolation) in
            try ref.acquire(count: 0x8000_0000)
        }
        try run(state, expect: .refused(.countOutOfRange(0xFFFF_FFFF))) { ref throws(RundownViolation) in
            try ref.release(count: 0xFFFF_FFFF)
            return nil
        }
    }

    @Test func largestCountIsAccepted() throws {
        let ref = RundownRef()
        #expect(try ref.acquire(count: 0x7FFF_FFFF))
        #expect(ref.snapshot().holders == 0x7FFF_FFFF)
        try ref.release(count: 0x7FFF_FFFF)
        #expect(ref.snapshot() == RundownSnapshot(state: .live, holders: 0, word: 0, slots: nil))
    }

    // MARK: - Word layout (spec §2.1)

    @Test func wordLayout() throws {
        let ref = RundownRef()
        #expect(ref.snapshot().word == 0)
        #expect(try ref.acquire(count: 3))
        #expect(ref.snapshot().word == 6, "holders counted in steps of 2")
        try ref.release(count: 3)
        #expect(try ref.waitForRelease() == .noHolders)
        #expect(ref.snapshot().word == 1, "completed is exactly EX_RUNDOWN_ACTIVE")
        #expect(
            RundownRef(runDown: true).snapshot()
                == RundownSnapshot(state: .completed, holders: 0, word: 1, slots: nil))
    }

    @Test func waitingAndStaleWordsHoldTheSameBlockAddress() throws {
        let fixture = try PlainFixture(.waiting)
        let waitingWord = fixture.ref.snapshot().word
        #expect(waitingWord & 1 == 1 && waitingWord != 1)
        try fixture.finish()
        #expect(fixture.ref.snapshot().word == waitingWord, "the stale word still points at the block")
        try fixture.ref.rundownCompleted()
        #expect(fixture.ref.snapshot().word == 1)
    }

    @Test func failedAcquireExLeavesTheCountUnchanged() throws {
        let fixture = try PlainFixture(.waiting)
        #expect(try fixture.ref.acquire(count: 5) == false)
        #expect(fixture.ref.snapshot().holders == 2)
        try fixture.finish()
    }

    @Test func staticallyRunDownReferenceMustBeReinitialized() throws {
        let ref = RundownRef(runDown: true)
        #expect(try ref.acquire() == false)
        try ref.reinitialize()
        #expect(try ref.acquire())
    }
}

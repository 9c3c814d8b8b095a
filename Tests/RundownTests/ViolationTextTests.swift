import Rundown
import Testing

@Suite("Violation codes and texts; snapshot text", .timeLimit(.minutes(1)))
struct ViolationTextTests {
    static let all: [RundownViolation] = [
        .releaseWithoutAcquire(outstanding: 1, requested: 2), .releaseAfterRundown(.stale),
        .releaseAfterRundown(.completed), .reinitWithoutRundown, .reinitWhileWaiting, .completedWithoutWait,
        .completedWhileWaiting, .concurrentWait, .waitAfterRundown, .initializeWhileInUse,
        .countOutOfRange(0), .countOutOfRange(0x8000_0000), .freeNotAllocated,
        .freeWhileInUse(outstanding: 1),
        .useAfterFree, .sizeMismatch(given: 100, expected: 344),
    ]

    @Test("Every violation has a stable code, a message and what real Windows does", arguments: all)
    func texts(violation: RundownViolation) {
        #expect(violation.code.allSatisfy { $0.isUppercase || $0 == "_" })
        #expect(!violation.message.isEmpty)
        #expect(violation.realWindows.hasPrefix("real Windows") || violation.realWindows.contains(" "))
        #expect(violation.description.hasPrefix(violation.code + ": "))
    }

    @Test func codesMatchTheRuntimeCatalogue() {
        #expect(
            RundownViolation.releaseWithoutAcquire(outstanding: 0, requested: 1).code
                == "RELEASE_WITHOUT_ACQUIRE")
        #expect(RundownViolation.releaseAfterRundown(.completed).code == "RELEASE_AFTER_RUNDOWN")
        #expect(RundownViolation.initializeWhileInUse.code == "INIT_WHILE_IN_USE")
        #expect(RundownViolation.useAfterFree.code == "USE_AFTER_FREE")
        #expect(RundownViolation.sizeMismatch(given: 1, expected: 32).code == "SIZE_MISMATCH")
    }

    @Test func messagesCarryTheNumbers() {
        #expect(
            RundownViolation.releaseWithoutAcquire(outstanding: 1, requested: 3).message
                == "release of 3 references but only 1 is outstanding")
        #expect(RundownViolation.sizeMismatch(given: 100, expected: 344).message.contains("100"))
        #expect(RundownViolation.releaseAfterRundown(.completed).realWindows.contains("bugcheck"))
        #expect(RundownViolation.releaseAfterRundown(.stale).realWindows.contains("corruption"))
    }

    @Test func snapshotText() throws {
        let ref = try CacheAwareRundownRef.initialize(storageSize: 344)
        #expect(try ref.acquire(processor: 0))
        try ref.release(processor: 2)
        #expect(try ref.acquire(processor: 1, count: 2))
        #expect(ref.snapshot().description == "state=live holders=2 slots=[1,2,-1,0]")
        #expect(RundownRef(runDown: true).snapshot().description == "state=completed holders=0")
    }

    @Test func fastPathsNeverCallTheObserver() throws {
        let observer = RecordingObserver()
        let plain = RundownRef(observer: observer)
        let slots = try CacheAwareRundownRef.initialize(storageSize: 216, observer: observer)
        for _ in 0..<1000 {
            #expect(try plain.acquire())
            try plain.release()
            #expect(try slots.acquire(processor: 0))
            try slots.release(processor: 1)
        }
        #expect(try plain.waitForRelease() == .noHolders)
        #expect(observer.recorded.isEmpty)
    }

    @Test func poolTagText() {
        #expect(PoolAllocation(id: 1, tag: 0x6754_6452, type: .NonPagedPool, bytes: 24).tagText == "RdTg")
        #expect(PoolAllocation(id: 1, tag: 0x0000_0041, type: .NonPagedPool, bytes: 24).tagText == "A...")
    }
}

import Rundown
import Testing

/// The states of spec §4.2 that a test can hold still (CSw is transient: see the stress test).
enum CacheAwareState: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case idle = "CL(0)"
    case live = "CL(2)"
    case waiting = "CW(2)"
    case stale = "CS"
    case completed = "CC"
    case freed = "CF"
    var testDescription: String { rawValue }
}

/// A 4-processor cache-aware reference driven into a state with real threads.
final class CacheAwareFixture {
    let observer = RecordingObserver()
    let pool = RundownPool()
    let ref: CacheAwareRundownRef
    let state: CacheAwareState
    private var waiter: BackgroundWait?

    init(_ state: CacheAwareState, allocated: Bool = true) throws {
        self.state = state
        if allocated {
            ref = try #require(
                CacheAwareRundownRef.allocate(
                    poolType: .NonPagedPoolNx, tag: 0x6754_6452, processorCount: 4, pool: pool,
                    observer: observer))
        } else {
            ref = try CacheAwareRundownRef.initialize(storageSize: 344, observer: observer)
        }
        switch state {
        case .idle:
            break
        case .live:
            #expect(try ref.acquire(processor: 0))
            #expect(try ref.acquire(processor: 1))
        case .waiting:
            #expect(try ref.acquire(processor: 0))
            #expect(try ref.acquire(processor: 1))
            let ref = self.ref
            waiter = BackgroundWait { () throws(RundownViolation) in try ref.waitForRelease() }
            observer.parked.wait()
        case .stale:
            #expect(try ref.acquire(processor: 0))
            let ref = self.ref
            let waiter = BackgroundWait { () throws(RundownViolation) in try ref.waitForRelease() }
            observer.parked.wait()
            try ref.release(processor: 1)
            #expect(waiter.finish() == .success(.blocked))
        case .completed:
            #expect(try ref.waitForRelease() == .noHolders)
            try ref.rundownCompleted()
        case .freed:
            try ref.free()
        }
        #expect(ref.snapshot().state == expectedName, "fixture for \(state.rawValue)")
    }

    var expectedName: RundownStateName {
        switch state {
        case .idle, .live: .live
        case .waiting: .waiting
        case .stale: .stale
        case .completed: .completed
        case .freed: .freed
        }
    }

    func finish() throws {
        guard let waiter else { return }
        self.waiter = nil  // join once
        let snapshot = ref.snapshot()
        if snapshot.state == .waiting && snapshot.holders > 0 {
            try ref.release(processor: 2, count: UInt32(snapshot.holders))
        }
        #expect(waiter.finish() == .success(.blocked))
        #expect(ref.snapshot().state == .stale)
    }
}

import Glibc
import Rundown
import Synchronization
import Testing

/// Waits that block on real threads and the releases that wake them. The observer tells the
/// test when the waiter is parked: no sleeps are used for synchronization.
@Suite("Block and wake across real threads", .timeLimit(.minutes(1)))
struct BlockWakeTests {
    @Test func plainWaitBlocksUntilTheLastReleaseWakesIt() throws {
        let observer = RecordingObserver()
        let ref = RundownRef(observer: observer)
        #expect(try ref.acquire(count: 3))
        let waiter = BackgroundWait { () throws(RundownViolation) in try ref.waitForRelease() }
        observer.parked.wait()
        #expect(ref.snapshot().state == .waiting)
        #expect(try ref.acquire() == false, "acquires fail once the wait has taken effect")
        try ref.release(count: 2)
        #expect(ref.snapshot().holders == 1)
        #expect(waiter.peek() == nil, "one reference is still held: the wait cannot have returned")
        let releaser = TestThread { try? ref.release() }
        releaser.join()
        #expect(waiter.finish() == .success(.blocked))
        #expect(ref.snapshot().state == .stale)
        let events = observer.recorded
        #expect(events.map(\.kind) == [.willBlock(3), .didWake])
        #expect(
            events[0].thread == waiter.threadID.load(ordering: .acquiring), "willBlock runs on the waiter")
        #expect(events[1].thread != events[0].thread, "didWake runs on the releasing thread")
    }

    @Test func cacheAwareWaitBlocksUntilTheOutstandingTotalDrains() throws {
        let observer = RecordingObserver()
        let ref = try CacheAwareRundownRef.initialize(storageSize: 344, observer: observer)
        #expect(try ref.acquire(processor: 0))
        #expect(try ref.acquire(processor: 1, count: 2))
        let waiter = BackgroundWait { () throws(RundownViolation) in try ref.waitForRelease() }
        observer.parked.wait()
        #expect(ref.snapshot().state == .waiting)
        #expect(ref.snapshot().holders == 3)
        for processor in 0..<4 { #expect(try ref.acquire(processor: processor) == false) }
        try ref.release(processor: 3, count: 2)
        #expect(waiter.peek() == nil)
        let releaser = TestThread { try? ref.release(processor: 2) }
        releaser.join()
        #expect(waiter.finish() == .success(.blocked))
        #expect(ref.snapshot().state == .stale)
        #expect(observer.recorded.map(\.kind) == [.willBlock(3), .didWake])
    }

    @Test func waitWithNoHoldersReturnsAtOnceWithoutBlocking() throws {
        let observer = RecordingObserver()
        let plain = RundownRef(observer: observer)
        #expect(try plain.waitForRelease() == .noHolders)
        let cacheAware = try CacheAwareRundownRef.initialize(storageSize: 600, observer: observer)
        #expect(try cacheAware.waitForRelease() == .noHolders)
        #expect(observer.recorded.isEmpty)
    }

    @Test func releasesHappenBeforeTheWaitReturns() throws {
        let observer = RecordingObserver()
        let ref = RundownRef(observer: observer)
        let written = Mutex(0)
        #expect(try ref.acquire())
        let holder = TestThread {
            written.withLock { $0 = 42 }
            try? ref.release()
        }
        let outcome = try ref.waitForRelease()
        // The release may even come before the wait starts (then there is nothing to wait for).
        #expect([.blocked, .drainedBeforeBlocking, .noHolders].contains(outcome))
        #expect(written.withLock { $0 } == 42)
        holder.join()
    }

    @Test("No lost wake-up: the release races the waiter going to sleep", arguments: [false, true])
    func noLostWakeUp(cacheAware: Bool) throws {
        for round in 0..<300 {
            let plain = RundownRef()
            let slots = try CacheAwareRundownRef.initialize(storageSize: 216)
            if cacheAware { #expect(try slots.acquire(processor: 0)) } else { #expect(try plain.acquire()) }
            let waiter = BackgroundWait { () throws(RundownViolation) in
                cacheAware ? try slots.waitForRelease() : try plain.waitForRelease()
            }
            if round % 2 == 0 { sched_yield() }
            if cacheAware { try slots.release(processor: round % 2) } else { try plain.release() }
            // Whatever the interleaving, the wait returns (a lost wake-up would hang here).
            let outcome = try #require(try waiter.finish()?.get())
            #expect([.blocked, .drainedBeforeBlocking, .noHolders].contains(outcome))
            let state = (cacheAware ? slots.snapshot() : plain.snapshot()).state
            #expect(state == (outcome == .noHolders && !cacheAware ? .completed : .stale))
        }
    }

    @Test func waitAfterReinitializeBlocksAgain() throws {
        let observer = RecordingObserver()
        let ref = RundownRef(observer: observer)
        #expect(try ref.acquire())
        let first = BackgroundWait { () throws(RundownViolation) in try ref.waitForRelease() }
        observer.parked.wait()
        try ref.release()
        #expect(first.finish() == .success(.blocked))
        try ref.reinitialize()
        #expect(try ref.acquire())
        let waiter = BackgroundWait { () throws(RundownViolation) in try ref.waitForRelease() }
        observer.parked.wait(atLeast: 2)
        #expect(ref.snapshot().state == .waiting)
        try ref.release()
        #expect(waiter.finish() == .success(.blocked))
    }
}

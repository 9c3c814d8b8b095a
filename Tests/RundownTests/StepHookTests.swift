import Glibc
import Synchronization
import Testing

@testable import Rundown

/// Records every step boundary the library reports; never parks.
final class StepRecorder: RundownObserver, @unchecked Sendable {
    let points = Mutex<[RundownStepPoint]>([])
    func rundownWillBlock(_ object: AnyObject, outstanding: Int) {}
    func rundownDidWakeWaiter(_ object: AnyObject) {}
    func rundownStep(_ object: AnyObject, at point: RundownStepPoint) {
        points.withLock { $0.append(point) }
    }
}

/// The step boundaries a `.par` scheduler relies on: one per slot after the first for the
/// cache-aware sweep and completed, one per slot write after the first for the two-pass
/// reinitialize, and one before a woken wait returns.
@Suite struct StepHookTests {
    func make(_ slots: Int, _ recorder: StepRecorder) throws -> CacheAwareRundownRef {
        try #require(
            CacheAwareRundownRef.allocate(
                poolType: .NonPagedPool, tag: 0x5453_4554, processorCount: slots, pool: RundownPool(),
                observer: recorder))
    }

    @Test func cacheAwareRoutinesStopBetweenSlots() throws {
        let recorder = StepRecorder()
        let ref = try make(3, recorder)
        #expect(try ref.acquire(processor: 2))
        #expect(try ref.release(processor: 0) == ())
        _ = try ref.waitForRelease()
        // Slot 0 went to -1 holder (released there), slot 2 holds +1: the total so far is -2
        // (words count 2 per holder), modular.
        let minusOne = UInt(bitPattern: -2)
        #expect(
            recorder.points.withLock { $0 } == [
                .sweep(slot: 1, total: minusOne), .sweep(slot: 2, total: minusOne),
            ])
        recorder.points.withLock { $0.removeAll() }
        try ref.rundownCompleted()
        #expect(recorder.points.withLock { $0 } == [.completedSlot(1), .completedSlot(2)])
        recorder.points.withLock { $0.removeAll() }
        try ref.reinitialize()
        #expect(
            recorder.points.withLock { $0 } == [
                .reinitializeSlot(pass: 0, slot: 1), .reinitializeSlot(pass: 0, slot: 2),
                .reinitializeSlot(pass: 1, slot: 0), .reinitializeSlot(pass: 1, slot: 1),
                .reinitializeSlot(pass: 1, slot: 2),
            ])
    }

    @Test func plainAcquireAndReleaseReportNoStep() throws {
        let recorder = StepRecorder()
        let ref = RundownRef(observer: recorder)
        #expect(try ref.acquire())
        try ref.release()
        #expect(try ref.waitForRelease() == .noHolders)
        #expect(recorder.points.withLock { $0 }.isEmpty)
    }

    @Test(.timeLimit(.minutes(1))) func aWokenWaitReportsItsReturn() throws {
        let recorder = StepRecorder()
        let ref = RundownRef(observer: recorder)
        #expect(try ref.acquire())
        let waiter = TestThread { _ = try? ref.waitForRelease() }
        while ref.snapshot().state != .waiting { sched_yield() }
        try ref.release()
        waiter.join()
        #expect(recorder.points.withLock { $0 } == [.woke])
    }

    @Test func saveAndRestoreState() throws {
        let recorder = StepRecorder()
        let ref = try make(2, recorder)
        let saved = ref.saveState()
        #expect(try ref.acquire(processor: 1))
        _ = try? ref.free()
        ref.restoreState(saved)
        #expect(ref.snapshot().state == .live)
        #expect(ref.snapshot().holders == 0)
        #expect(!ref.isFreed)
    }
}

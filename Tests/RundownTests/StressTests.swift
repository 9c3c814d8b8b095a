import Glibc
import Rundown
import Synchronization
import Testing

/// Holders hammer acquire/release while another thread loops wait + reinitialize, on real
/// threads, checking the invariants of run-down protection at every step.
@Suite("Stress: acquire/release against wait + reinitialize", .serialized)
struct StressTests {
    static let holderThreads = 4
    static let pairsPerThread = 100_000

    /// What one run observed.
    final class Tally: Sendable {
        /// The protected object: false from the wait's return until the next reinitialize.
        let alive = Atomic<Bool>(true)
        /// Holders currently inside their protected section.
        let inside = Atomic<Int>(0)
        /// Holders that finished their pairs.
        let finished = Atomic<Int>(0)
        let granted = Atomic<Int>(0)
        let refused = Atomic<Int>(0)
        /// A holder was granted protection but found the object torn down.
        let sawDeadObject = Atomic<Int>(0)
        /// A wait returned while a holder was inside.
        let returnedWhileHeld = Atomic<Int>(0)
        /// An acquire succeeded between a wait's return and the reinitialize.
        let acquiredAfterRundown = Atomic<Int>(0)
        let rounds = Atomic<Int>(0)
        let blockedWaits = Atomic<Int>(0)
        let violations = Mutex<[RundownViolation]>([])

        func record(_ violation: RundownViolation) { violations.withLock { $0.append(violation) } }
    }

    /// Runs the scenario against `acquire`/`release` (given the holder index and the pair
    /// number), `wait` and `reinitialize`.
    static func run(
        acquire: @escaping @Sendable (Int, Int) throws(RundownViolation) -> Bool,
        release: @escaping @Sendable (Int, Int) throws(RundownViolation) -> Void,
        wait: @escaping @Sendable () throws(RundownViolation) -> WaitOutcome,
        reinitialize: @escaping @Sendable () throws(RundownViolation) -> Void
    ) -> Tally {
        let tally = Tally()
        let holders = (0..<holderThreads).map { index in
            TestThread {
                for pair in 0..<pairsPerThread {
                    do throws(RundownViolation) {
                        if try acquire(index, pair) {
                            tally.granted.add(1, ordering: .relaxed)
                            tally.inside.add(1, ordering: .sequentiallyConsistent)
                            // Use the object for a while, so waits often find holders and block.
                            for _ in 0...(pair % 32) {
                                if !tally.alive.load(ordering: .sequentiallyConsistent) {
                                    tally.sawDeadObject.add(1, ordering: .relaxed)
                                }
                            }
                            tally.inside.subtract(1, ordering: .sequentiallyConsistent)
                            try release(index, pair)
                        } else {
                            tally.refused.add(1, ordering: .relaxed)
                            // Let the waiter (2 cores, 5 threads) run and reinitialize.
                            sched_yield()
                        }
                    } catch {
                        tally.record(error)
                    }
                }
                tally.finished.add(1, ordering: .sequentiallyConsistent)
            }
        }
        let waiter = TestThread {
            while tally.finished.load(ordering: .sequentiallyConsistent) < holderThreads {
                do throws(RundownViolation) {
                    let outcome = try wait()
                    if outcome == .blocked { tally.blockedWaits.add(1, ordering: .relaxed) }
                    // Every reference granted before the wait took effect has been released.
                    if tally.inside.load(ordering: .sequentiallyConsistent) != 0 {
                        tally.returnedWhileHeld.add(1, ordering: .relaxed)
                    }
                    // Tear the object down; no acquire may succeed until the reinitialize.
                    tally.alive.store(false, ordering: .sequentiallyConsistent)
                    if try acquire(0, 0) {
                        tally.acquiredAfterRundown.add(1, ordering: .relaxed)
                    }
                    tally.alive.store(true, ordering: .sequentiallyConsistent)
                    try reinitialize()
                    tally.rounds.add(1, ordering: .relaxed)
                } catch {
                    tally.record(error)
                    return
                }
            }
        }
        for holder in holders { holder.join() }
        waiter.join()
        return tally
    }

    static func verify(_ tally: Tally) {
        print(
            "stress: granted \(tally.granted.load(ordering: .relaxed)) refused \(tally.refused.load(ordering: .relaxed)) rounds \(tally.rounds.load(ordering: .relaxed)) blocked \(tally.blockedWaits.load(ordering: .relaxed))"
        )
        #expect(tally.violations.withLock { $0 } == [])
        #expect(tally.sawDeadObject.load(ordering: .relaxed) == 0, "a holder saw the object torn down")
        #expect(
            tally.returnedWhileHeld.load(ordering: .relaxed) == 0,
            "a wait returned while a reference was held")
        #expect(
            tally.acquiredAfterRundown.load(ordering: .relaxed) == 0, "an acquire succeeded after rundown")
        #expect(
            tally.granted.load(ordering: .relaxed) + tally.refused.load(ordering: .relaxed)
                == holderThreads * pairsPerThread)
        #expect(tally.granted.load(ordering: .relaxed) > 0)
        #expect(tally.rounds.load(ordering: .relaxed) > 0)
    }

    @Test func plainReference() {
        let ref = RundownRef()
        let tally = Self.run(
            acquire: { _, _ throws(RundownViolation) in try ref.acquire() },
            release: { _, _ throws(RundownViolation) in try ref.release() },
            wait: { () throws(RundownViolation) in try ref.waitForRelease() },
            reinitialize: { () throws(RundownViolation) in try ref.reinitialize() })
        Self.verify(tally)
        #expect(ref.snapshot().state == .live)
        #expect(ref.snapshot().holders == 0)
    }

    @Test func plainReferenceWithCounts() {
        let ref = RundownRef()
        let tally = Self.run(
            acquire: { _, pair throws(RundownViolation) in try ref.acquire(count: UInt32(pair % 3 + 1)) },
            release: { _, pair throws(RundownViolation) in try ref.release(count: UInt32(pair % 3 + 1)) },
            wait: { () throws(RundownViolation) in try ref.waitForRelease() },
            reinitialize: { () throws(RundownViolation) in try ref.reinitialize() })
        Self.verify(tally)
        #expect(ref.snapshot().holders == 0)
    }

    @Test func cacheAwareReference() throws {
        let ref = try CacheAwareRundownRef.initialize(storageSize: 344)
        // Each holder acquires on its own processor and, every seventh pair, releases on the
        // next one, so slots go negative while the wait sweeps.
        let tally = Self.run(
            acquire: { index, _ throws(RundownViolation) in try ref.acquire(processor: index) },
            release: { index, pair throws(RundownViolation) in
                try ref.release(processor: pair % 7 == 0 ? index + 1 : index)
            },
            wait: { () throws(RundownViolation) in try ref.waitForRelease() },
            reinitialize: { () throws(RundownViolation) in try ref.reinitialize() })
        Self.verify(tally)
        #expect(ref.snapshot().state == .live)
        #expect(ref.snapshot().holders == 0)
    }
}

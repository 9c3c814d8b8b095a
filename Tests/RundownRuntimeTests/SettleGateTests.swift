import CRundownSupport
import Glibc
import Synchronization
import Testing

@testable import RundownRuntime

/// The settle gate: the coordinator waits for the thread it handed a job (by watching its
/// status word) and for every counted thread (woken waiters), without losing a wake-up when
/// it sleeps. The gates here re-check only every 100 s, so a lost post shows as a wait that
/// runs out its 3 s deadline.
@Suite(.timeLimit(.minutes(1))) struct SettleGateTests {
    static let handedOver = 5
    static let idle = 0

    /// A status word on the heap, as a worker's is.
    final class Word: @unchecked Sendable {
        let pointer = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: 1)
        init(_ value: Int) { pointer.initialize(to: Atomic(value)) }
        deinit { pointer.deallocate() }
        func store(_ value: Int) { pointer.pointee.store(value, ordering: .sequentiallyConsistent) }
    }

    /// A watched thread that settles long after the coordinator went to sleep wakes it: the
    /// wait ends when the word changes, not at its deadline.
    @Test func aWatchedThreadWakesTheSleepingCoordinator() {
        let gate = SettleGate(recheckNanoseconds: 100_000_000_000)
        let word = Word(Self.handedOver)
        gate.watch(word.pointer, whileEqualTo: Self.handedOver)
        #expect(gate.runningCount == 1)
        let join = spawnThread("watched") {
            usleep(20_000)  // the coordinator has spun 50 µs and sleeps by now
            word.store(Self.idle)
            gate.watchedSettled()
        }
        let start = rd_now_ns()
        let settled = gate.awaitSettled(timeoutNanoseconds: 3_000_000_000)
        let elapsed = rd_now_ns() &- start
        join()
        #expect(settled)
        #expect(elapsed < 2_000_000_000, "woken after \(elapsed / 1_000_000) ms: the post was lost")
        #expect(gate.runningCount == 0)
    }

    /// The watched thread wakes a waiter (counts it) before it settles itself: the coordinator
    /// goes on only once the waiter has left too.
    @Test func aThreadWokenByTheWatchedOneIsWaitedFor() {
        let gate = SettleGate(recheckNanoseconds: 100_000_000_000)
        let word = Word(Self.handedOver)
        gate.watch(word.pointer, whileEqualTo: Self.handedOver)
        let left = Atomic<UInt64>(0)
        let join = spawnThread("watched") {
            usleep(2_000)
            gate.enter()  // the release marks the waiter woken first
            word.store(Self.idle)
            gate.watchedSettled()
            usleep(30_000)  // the woken waiter runs on
            left.store(rd_now_ns(), ordering: .sequentiallyConsistent)
            gate.leave()
        }
        let settled = gate.awaitSettled(timeoutNanoseconds: 3_000_000_000)
        let returned = rd_now_ns()
        join()
        #expect(settled)
        let leftAt = left.load(ordering: .sequentiallyConsistent)
        #expect(leftAt != 0 && returned >= leftAt, "the coordinator went on before the woken thread left")
    }

    /// A thread that never settles: the wait ends at its deadline, unsettled.
    @Test func anUnsettledThreadRunsOutTheDeadline() {
        let gate = SettleGate(recheckNanoseconds: 100_000_000_000)
        let word = Word(Self.handedOver)
        gate.watch(word.pointer, whileEqualTo: Self.handedOver)
        #expect(!gate.awaitSettled(timeoutNanoseconds: 20_000_000))
        #expect(gate.runningCount == 1)
        word.store(Self.idle)
        #expect(gate.awaitSettled(timeoutNanoseconds: 20_000_000))
    }

    /// Threads that settled while nobody waited (the watchdog had given up) are forgotten
    /// when the session counts running threads before it stops them: a stopped worker's
    /// status word is freed with it.
    @Test func countingForgetsSettledWatchedThreads() {
        let gate = SettleGate(recheckNanoseconds: 100_000_000_000)
        let first = Word(Self.handedOver)
        let second = Word(Self.handedOver)
        gate.watch(first.pointer, whileEqualTo: Self.handedOver)
        gate.watch(second.pointer, whileEqualTo: Self.handedOver)
        first.store(Self.idle)
        #expect(gate.runningCount == 1)
        #expect(gate.watchedWords == 2)
        second.store(Self.idle)
        #expect(gate.runningCount == 0)
        #expect(gate.watchedWords == 0)
    }
}

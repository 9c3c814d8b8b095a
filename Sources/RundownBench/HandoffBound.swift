import CRundownSupport
import Glibc
import Rundown
import RundownRuntime
import Synchronization

/// The spin hand-off bound (issue 14): the least an interpreter that runs each command on its
/// named real thread can cost. A coordinator hands each pre-parsed command to a worker thread
/// through one atomic word; the worker runs it on the real library and clears the word; the
/// coordinator waits for the word to clear before it sends the next command (rdsh settles
/// after every command too). No lexing, parsing, checking or output: only the hand-off and
/// the library call. Both sides wait as rdsh's threads do (``SpinWait``: the pause hint, and
/// a `sched_yield` every few turns only while more threads spin than there are processors),
/// so that the bound is the best hand-off rdsh could make, not a slower one.
enum HandoffBound {
    /// A pre-parsed command: what the worker runs on the library.
    enum Command: Int {
        case acquire = 1
        case release = 2
        case stop = 3
    }

    /// One worker thread and its mailbox word (0: empty; else a ``Command`` raw value).
    final class Worker: @unchecked Sendable {
        let word = Atomic<Int>(0)
        let acquired = Atomic<Int>(0)
        let ref: RundownRef
        let share: ProcessorShare
        var thread = pthread_t()

        init(ref: RundownRef, share: ProcessorShare) {
            self.ref = ref
            self.share = share
        }

        func run() {
            var trues = 0
            while true {
                var command = word.load(ordering: .acquiring)
                var spin = SpinWait(share)
                while command == 0 {
                    spin.turn()
                    command = word.load(ordering: .acquiring)
                }
                switch Command(rawValue: command) {
                case .acquire:
                    if (try? ref.acquire()) == true { trues += 1 }
                case .release:
                    try? ref.release()
                case .stop, nil:
                    acquired.store(trues, ordering: .releasing)
                    word.store(0, ordering: .releasing)
                    return
                }
                word.store(0, ordering: .releasing)
            }
        }

        /// Hands `command` over and waits until the worker has run it.
        @inline(__always) func send(_ command: Command) {
            word.store(command.rawValue, ordering: .releasing)
            var spin = SpinWait(share)
            while word.load(ordering: .acquiring) != 0 { spin.turn() }
        }
    }

    /// Runs `commands` (worker index, command) through `workers` threads; returns the wall time
    /// in nanoseconds of the commands alone (thread start-up excluded) and the number of
    /// acquires that returned TRUE.
    static func run(workers count: Int, commands: [(Int, Command)]) -> (elapsed: UInt64, trues: Int) {
        let ref = RundownRef()
        // The coordinator and every worker spin for the whole run.
        let share = ProcessorShare(awake: 1 + count)
        let workers = (0..<count).map { _ in Worker(ref: ref, share: share) }
        for worker in workers {
            worker.thread = BenchThreads.start { worker.run() }
        }
        let start = rd_now_ns()
        for (index, command) in commands { workers[index].send(command) }
        let elapsed = rd_now_ns() &- start
        var trues = 0
        for worker in workers {
            worker.send(.stop)
            pthread_join(worker.thread, nil)
            trues += worker.acquired.load(ordering: .acquiring)
        }
        return (elapsed, trues)
    }

    /// The commands of ``InterpreterBench/mainWorkload(commands:)``: acquire, release on one worker.
    static func mainCommands(_ commands: Int) -> [(Int, Command)] {
        var out: [(Int, Command)] = []
        out.reserveCapacity(commands)
        for _ in 0..<commands / 2 {
            out.append((0, .acquire))
            out.append((0, .release))
        }
        return out
    }

    /// The commands of ``InterpreterBench/twoThreadWorkload(commands:)``: every command on the
    /// other worker from the one before.
    static func twoThreadCommands(_ commands: Int) -> [(Int, Command)] {
        var out: [(Int, Command)] = []
        out.reserveCapacity(commands)
        for _ in 0..<commands / 4 {
            out += [(0, .acquire), (1, .acquire), (0, .release), (1, .release)]
        }
        return out
    }
}

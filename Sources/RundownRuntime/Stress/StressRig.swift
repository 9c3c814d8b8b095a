import CRundownSupport
import Glibc
import Rundown
import Synchronization

/// The block's threads as real OS threads that run it again and again, litmus7 style.
///
/// The threads are created once per block and reused for every run. A run starts when the
/// run number is stored in `go`; every thread then meets the others at a spin barrier, waits
/// a short random number of pause loops (so that no thread always wins the start), and runs
/// its lines straight on the library: no scheduler, no settling. The first thread to finish
/// leads the run's end: it waits until every other thread has finished or is stuck, takes
/// the outcome, restores the objects' words and slots and starts the next run. The
/// coordinator (the session's thread) only starts the first run and watches: it leads a run
/// in which every thread is stuck, and it ends the block on a hang.
///
/// A thread still inside a wait, when every other thread has finished or is stuck, on an
/// object that is waiting with holders left, can never return: the run ended blocked, its
/// outcome is taken there and then, and the waiters are woken by force so the threads are
/// ready for the next run. A run that neither finishes nor blocks within the watchdog is a
/// hang: the threads are left where they are and the block stops.
final class StressRig: @unchecked Sendable {
    let program: StressProgram
    private let threadCount: Int
    private let requested: Int
    private let watchdogNanoseconds: UInt64
    /// Puts the objects (and the pool's books) back as they were at `.par`.
    private let restore: () -> Void
    /// Run number to start (1, 2, ...); -1 tells the threads to exit.
    private let go = Atomic<Int>(0)
    /// Arrivals at the start barrier, over all runs: run r starts when it reaches r * threads.
    private let arrived = Atomic<Int>(0)
    /// The last run whose end was claimed by a leader.
    private let leader = Atomic<Int>(0)
    /// The last run whose outcome was recorded.
    private let completed = Atomic<Int>(0)
    /// Set when a run hung (its number); the runs stop.
    private let hungRun = Atomic<Int>(0)
    /// Set when a run ended blocked: threads stop after the call they are in.
    private let abandon = Atomic<Bool>(false)
    /// Changes every ``pinPeriod`` runs: each thread re-pins itself to another processor.
    private let pinEpoch = Atomic<Int>(0)
    /// Per thread: the run it finished last.
    private let done: UnsafeMutablePointer<Atomic<Int>>
    /// Per thread: the index of the line it is in, -1 between runs.
    private let current: UnsafeMutablePointer<Atomic<Int>>
    /// Per binding of the block: -1 (not made), 0/1 (FALSE/TRUE).
    private let bindings: UnsafeMutablePointer<Atomic<Int>>
    /// Per thread, per line: the observable diagnostic's index, -1 for none. Written by the
    /// thread during a run, read by the leader after the thread's `done` (acquiring).
    private let diagnostics: [UnsafeMutablePointer<Int>]
    private var handles: [pthread_t] = []
    /// Processors the process may run on, in order.
    private let processors: [Int32]
    /// From `RDSH_STRESS_HANG_AT=R` (end-to-end tests of the hang report): in run R the
    /// first thread stops before its first call, outside any wait, until the run is given up
    /// on. 0: never.
    private let hangAtRun: Int
    /// Runs between two changes of the thread-to-processor pairing.
    static let pinPeriod = 256
    /// Spins before a waiting thread yields its processor: long when every thread has a
    /// processor of its own, short when they share.
    private let spinLimit: Int
    /// At most this many pause loops before a thread's first line (random per thread and run).
    static let maximumDelay: UInt64 = 128

    // MARK: Leader-owned (one leader at a time; handed on through `go`)

    /// Outcome keys in the order first seen, with their run counts and first run.
    private(set) var outcomes: [(key: [Int], runs: Int, firstRun: Int)] = []
    private var index: [[Int]: Int] = [:]
    private var key: [Int] = []
    /// Threads still inside a call when the run hung.
    private(set) var hungThreads: [Int] = []

    init(program: StressProgram, runs: Int, watchdogNanoseconds: UInt64, restore: @escaping () -> Void) {
        self.program = program
        threadCount = program.threads.count
        requested = runs
        self.watchdogNanoseconds = watchdogNanoseconds
        self.restore = restore
        hangAtRun = getenv("RDSH_STRESS_HANG_AT").flatMap { Int(String(cString: $0)) } ?? 0
        done = .allocate(capacity: max(1, threadCount))
        current = .allocate(capacity: max(1, threadCount))
        for i in 0..<max(1, threadCount) {
            (done + i).initialize(to: Atomic(0))
            (current + i).initialize(to: Atomic(-1))
        }
        bindings = .allocate(capacity: max(1, program.bindings.count))
        for i in 0..<max(1, program.bindings.count) { (bindings + i).initialize(to: Atomic(-1)) }
        diagnostics = program.threads.map { thread in
            let buffer = UnsafeMutablePointer<Int>.allocate(capacity: max(1, thread.ops.count))
            buffer.initialize(repeating: -1, count: max(1, thread.ops.count))
            return buffer
        }
        var allowed: [Int32] = []
        let online = Int(rd_online_cpus())
        for index in 0..<max(1, online) {
            let cpu = rd_allowed_cpu(Int32(index))
            if cpu >= 0 { allowed.append(cpu) }
        }
        processors = allowed.isEmpty ? [0] : allowed
        spinLimit = threadCount <= processors.count ? 4096 : 64
        key.reserveCapacity(64)
    }

    deinit {
        done.deinitialize(count: max(1, threadCount))
        done.deallocate()
        current.deinitialize(count: max(1, threadCount))
        current.deallocate()
        bindings.deinitialize(count: max(1, program.bindings.count))
        bindings.deallocate()
        for buffer in diagnostics { buffer.deallocate() }
    }

    // MARK: - Threads

    /// Starts the threads; false when the system refuses one.
    func start() -> Bool {
        for index in 0..<threadCount {
            let context = Unmanaged.passRetained(StressThreadContext(rig: self, index: index)).toOpaque()
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            pthread_attr_setstacksize(&attributes, 256 * 1024)
            var thread: pthread_t = 0
            let result = pthread_create(
                &thread, &attributes,
                { context in
                    let box = Unmanaged<StressThreadContext>.fromOpaque(context!).takeRetainedValue()
                    box.rig.work(box.index)
                    return nil
                }, context)
            pthread_attr_destroy(&attributes)
            if result != 0 {
                Unmanaged<StressThreadContext>.fromOpaque(context).release()
                stop(joining: true)
                return false
            }
            handles.append(thread)
        }
        return true
    }

    /// Tells the threads to exit; joins them, or detaches them when some are stuck (a hang).
    func stop(joining: Bool) {
        go.store(-1, ordering: .releasing)
        for thread in handles {
            if joining { pthread_join(thread, nil) } else { pthread_detach(thread) }
        }
        handles.removeAll()
    }

    private func work(_ index: Int) {
        let thread = program.threads[index]
        rd_set_thread_name("stress-" + thread.name)
        let ops = thread.ops
        let objects = program.objects
        let diagnostic = diagnostics[index]
        var random = SplitMix(seed: 0x5EED &+ UInt64(index) &* 0x9E37_79B9)
        var seen = 0
        var pinned = -1
        while true {
            var run = go.load(ordering: .acquiring)
            var spins = 0
            while run == seen {
                spins += 1
                if spins > spinLimit { sched_yield() }
                run = go.load(ordering: .acquiring)
            }
            if run < 0 { return }
            seen = run
            let epoch = pinEpoch.load(ordering: .relaxed)
            if epoch != pinned {
                pinned = epoch
                _ = rd_pin_current_thread(processors[(index + epoch) % processors.count])
            }
            for i in 0..<ops.count { diagnostic[i] = -1 }
            // The start barrier, then a random head start for the others.
            let target = arrived.add(1, ordering: .acquiringAndReleasing).newValue
            let everyone = run * threadCount
            if target < everyone {
                spins = 0
                while arrived.load(ordering: .acquiring) < everyone {
                    spins += 1
                    if spins > spinLimit { sched_yield() }
                    if go.load(ordering: .relaxed) < 0 { return }
                }
            }
            var delay = random.next() % Self.maximumDelay
            while delay > 0 {
                delay -= 1
                _ = pinEpoch.load(ordering: .relaxed)
            }
            var cpu = thread.cpu
            for i in 0..<ops.count {
                if abandon.load(ordering: .relaxed) { break }
                let op = ops[i]
                let operation: Operation
                switch op.action {
                case .cpu(let processor):
                    cpu = processor
                    continue
                case .call(let called): operation = called
                }
                switch op.guardKind {
                case .none: break
                case .constant(let value): if value == op.guardNegated { continue }
                case .binding(let b):
                    let value = bindings[b].load(ordering: .acquiring) == 1
                    if value == op.guardNegated { continue }
                }
                current[index].store(i, ordering: .releasing)
                if run == hangAtRun && index == 0 {
                    // RDSH_STRESS_HANG_AT (tests): stuck outside any wait until given up on.
                    while !abandon.load(ordering: .acquiring) { sched_yield() }
                    break
                }
                do throws(RundownViolation) {
                    switch (objects[op.object], operation) {
                    case (.plain(let ref), .acquire), (.plain(let ref), .acquireEx):
                        let granted = try ref.acquire(count: op.count)
                        if op.binding >= 0 {
                            bindings[op.binding].store(granted ? 1 : 0, ordering: .releasing)
                        }
                    case (.plain(let ref), .release), (.plain(let ref), .releaseEx):
                        try ref.release(count: op.count)
                    case (.plain(let ref), .wait):
                        if try ref.waitForRelease() == .staleReturnedAtOnce {
                            diagnostic[i] = StressProgram.waitOnStaleCode
                        }
                    case (.plain(let ref), .completed): try ref.rundownCompleted()
                    case (.plain(let ref), .reinitialize): try ref.reinitialize()
                    case (.cacheAware(let ref), .acquireCacheAware),
                        (.cacheAware(let ref), .acquireCacheAwareEx):
                        let granted = try ref.acquire(processor: cpu, count: op.count)
                        if op.binding >= 0 {
                            bindings[op.binding].store(granted ? 1 : 0, ordering: .releasing)
                        }
                    case (.cacheAware(let ref), .releaseCacheAware),
                        (.cacheAware(let ref), .releaseCacheAwareEx):
                        try ref.release(processor: cpu, count: op.count)
                    case (.cacheAware(let ref), .waitCacheAware): _ = try ref.waitForRelease()
                    case (.cacheAware(let ref), .completedCacheAware): try ref.rundownCompleted()
                    case (.cacheAware(let ref), .reinitializeCacheAware): try ref.reinitialize()
                    case (.cacheAware(let ref), .free): try ref.free()
                    default: break
                    }
                } catch {
                    diagnostic[i] = StressProgram.codeIndex[error.code] ?? -1
                }
            }
            current[index].store(-1, ordering: .releasing)
            done[index].store(run, ordering: .releasing)
            if leader.compareExchange(expected: run - 1, desired: run, ordering: .acquiringAndReleasing)
                .exchanged
            {
                lead(run)
            }
        }
    }

    // MARK: - Runs

    /// Runs the block `requested` times; returns when every run ended, or one hung (its
    /// number, with ``hungThreads``).
    func runAll() -> Int? {
        prepare(1)
        go.store(1, ordering: .releasing)
        var lastProgress = rd_now_ns()
        var lastCompleted = 0
        // The coordinator sleeps between looks, longer while the threads lead their own runs,
        // short again after it had to lead one (every thread was stuck).
        var interval: UInt32 = 50
        while true {
            usleep(interval)
            let hung = hungRun.load(ordering: .acquiring)
            if hung > 0 { return hung }
            let finished = completed.load(ordering: .acquiring)
            if finished >= requested { return nil }
            let now = rd_now_ns()
            if finished != lastCompleted {
                interval = min(interval * 2, 2000)
                lastCompleted = finished
                lastProgress = now
                continue
            }
            let run = finished + 1
            guard leader.load(ordering: .acquiring) == run - 1 else { continue }
            // No thread has finished this run: every one may be stuck, or hung.
            if let stuck = stuckThreads(run), stuck.count == threadCount,
                leader.compareExchange(expected: run - 1, desired: run, ordering: .acquiringAndReleasing)
                    .exchanged
            {
                lead(run)
                interval = 50
                lastProgress = rd_now_ns()
                continue
            }
            if now &- lastProgress > watchdogNanoseconds,
                leader.compareExchange(expected: run - 1, desired: run, ordering: .acquiringAndReleasing)
                    .exchanged
            {
                hungThreads = unfinished(run)
                hungRun.store(run, ordering: .releasing)
                return run
            }
        }
    }

    /// Before run `run` starts: the start state, no bindings, the pairing for this run.
    private func prepare(_ run: Int) {
        restore()
        for b in 0..<program.bindings.count { bindings[b].store(-1, ordering: .relaxed) }
        abandon.store(false, ordering: .relaxed)
        if (run - 1) % Self.pinPeriod == 0 { pinEpoch.store((run - 1) / Self.pinPeriod, ordering: .relaxed) }
    }

    /// The end of run `run`, on the thread that claimed it: waits for the others, records the
    /// outcome, starts the next run.
    private func lead(_ run: Int) {
        var spins = 0
        var began: UInt64 = 0
        while true {
            if unfinished(run).isEmpty {
                record(run, blocked: [])
                break
            }
            spins += 1
            if spins > spinLimit { sched_yield() }
            guard spins % 128 == 0 else { continue }
            if let stuck = stuckThreads(run) {
                record(run, blocked: stuck)
                if wake(stuck, run: run) { break }
                hungThreads = unfinished(run)
                hungRun.store(run, ordering: .releasing)
                return
            }
            let now = rd_now_ns()
            if began == 0 { began = now }
            if now &- began > watchdogNanoseconds {
                hungThreads = unfinished(run)
                hungRun.store(run, ordering: .releasing)
                return
            }
        }
        if run >= requested {
            completed.store(run, ordering: .releasing)
            return
        }
        prepare(run + 1)
        completed.store(run, ordering: .releasing)
        go.store(run + 1, ordering: .releasing)
    }

    private func record(_ run: Int, blocked: [Int]) {
        key.removeAll(keepingCapacity: true)
        outcomeKey(blocked: blocked, into: &key)
        if let existing = index[key] {
            outcomes[existing].runs += 1
        } else {
            index[key] = outcomes.count
            outcomes.append((key, 1, run))
        }
    }

    private func unfinished(_ run: Int) -> [Int] {
        (0..<threadCount).filter { done[$0].load(ordering: .acquiring) != run }
    }

    /// The threads stuck for good, when every unfinished thread is inside a wait on an object
    /// that is waiting with holders left (no running thread is left to release them); nil
    /// otherwise.
    private func stuckThreads(_ run: Int) -> [Int]? {
        var stuck: [Int] = []
        for t in 0..<threadCount where done[t].load(ordering: .acquiring) != run {
            let line = current[t].load(ordering: .acquiring)
            guard line >= 0 else { return nil }
            let op = program.threads[t].ops[line]
            guard case .call(let operation) = op.action, operation.isWait else { return nil }
            let snapshot = program.objects[op.object].snapshot()
            guard snapshot.state == .waiting, snapshot.holders > 0 else { return nil }
            stuck.append(t)
        }
        return stuck.isEmpty ? nil : stuck
    }

    /// Wakes the stuck waiters by force until every thread has finished the run; false when
    /// they did not within the watchdog.
    private func wake(_ stuck: [Int], run: Int) -> Bool {
        abandon.store(true, ordering: .sequentiallyConsistent)
        let began = rd_now_ns()
        while true {
            for t in stuck {
                let line = current[t].load(ordering: .acquiring)
                if line >= 0 { program.objects[program.threads[t].ops[line].object].forceWake() }
            }
            if unfinished(run).isEmpty { return true }
            sched_yield()
            if rd_now_ns() &- began > watchdogNanoseconds { return false }
        }
    }

    /// After a hang: forces every object's wait block and gives the threads `nanoseconds` to
    /// finish the run. Returns the threads that still did not.
    func rescue(run: Int, nanoseconds: UInt64) -> [Int] {
        abandon.store(true, ordering: .sequentiallyConsistent)
        let began = rd_now_ns()
        while rd_now_ns() &- began < nanoseconds {
            for object in program.objects { object.forceWake() }
            if unfinished(run).isEmpty { return [] }
            usleep(1000)
        }
        return unfinished(run)
    }

    /// The line each thread is in (its index), -1 for none.
    func currentLine(_ thread: Int) -> Int { current[thread].load(ordering: .acquiring) }

    // MARK: - Outcomes

    /// The run's outcome as integers: bindings, each handle's state, holders and slots, the
    /// blocked threads, each line's diagnostic. Equal keys, equal outcomes.
    private func outcomeKey(blocked: [Int], into key: inout [Int]) {
        for b in 0..<program.bindings.count { key.append(bindings[b].load(ordering: .acquiring)) }
        for handle in program.handles {
            guard case .object(let index) = handle.shape else { continue }
            let snapshot = program.objects[index].snapshot()
            key.append(RundownStateName.allCases.firstIndex(of: snapshot.state)!)
            key.append(snapshot.holders)
            if let slots = snapshot.slots {
                key.append(slots.count)
                key.append(contentsOf: slots)
            } else {
                key.append(-1)
            }
        }
        var mask = 0
        for t in blocked { mask |= 1 << t }
        key.append(mask)
        for (t, thread) in program.threads.enumerated() {
            for i in 0..<thread.ops.count { key.append(diagnostics[t][i]) }
        }
    }
}

private final class StressThreadContext {
    let rig: StressRig
    let index: Int
    init(rig: StressRig, index: Int) {
        self.rig = rig
        self.index = index
    }
}

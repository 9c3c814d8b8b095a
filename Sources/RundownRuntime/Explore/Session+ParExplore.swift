import CRundownSupport
import Glibc
import Rundown
import RundownScript

/// One thread of a `.par` block while a schedule runs.
final class ParThread {
    enum Phase {
        /// Between calls.
        case idle
        /// Parked at a step boundary inside a call (a cache-aware sweep, completed, reinitialize).
        case paused(StartedCall)
        /// Asleep in a wait: no step is enabled until a release wakes it.
        case blocked(StartedCall)
        /// Woken, parked before its wait returns: the return is its next step.
        case woken(StartedCall)
    }

    let name: String
    let worker: Worker
    let lines: [ParLine]
    var pc = 0
    var steps = 0
    var phase: Phase = .idle

    init(name: String, worker: Worker, lines: [ParLine]) {
        self.name = name
        self.worker = worker
        self.lines = lines
    }
}

/// The session as it was at `.par`: every schedule starts from it.
struct ParStartState {
    var handles:
        [(
            handle: Handle, value: Handle.Value, location: SourceLocation, ledger: Ledger,
            allocation: Allocation?
        )]
    var handleOrder: [String]
    var objects: [(object: AnyObject, state: [UInt])]
    var allocations: [(allocation: Allocation, freed: Bool)]
    var pool: PoolBooks
    var workers: [(worker: Worker, cpu: Int, irql: Int)]
}

/// One schedule as it ran.
struct ParScheduleRun {
    /// At each step: the enabled threads (indices) and which one ran.
    var decisions: [(enabled: [Int], chosen: Int)] = []
    var steps: [ScheduleStep] = []
    var outcome: ParOutcome?
}

/// How the next step is chosen: by depth and the enabled thread indices; nil stops the schedule.
typealias ParChooser = (_ depth: Int, _ enabled: [Int]) -> Int?

extension Session {
    // MARK: - Exploring a closed block

    func runPar(_ collector: ParCollector, endLocation: SourceLocation) {
        var threads: [ParThread] = []
        for name in collector.threads {
            let worker = worker(named: name)
            guard worker.start() else {
                report(
                    Diagnostic(.watchdog, "could not start thread \(name)", location: collector.location),
                    sourceText: nil)
                return
            }
            threads.append(
                ParThread(name: name, worker: worker, lines: collector.lines.filter { $0.thread == name }))
        }
        let start = saveParStart()
        let atomic = collector.options.granularity == .atomic
        observer.setExploring(true, atomic: atomic)
        atomicStepping = atomic
        defer {
            observer.setExploring(false)
            atomicStepping = false
        }

        if let wanted = collector.options.schedule {
            runDirectedSchedule(wanted, threads: threads, collector: collector, start: start)
            return
        }
        let report = explorePar(collector, threads: threads, start: start, file: endLocation.file)
        if stressRuns != nil {
            stressPar(collector, threads: threads, start: start, explored: report, file: endLocation.file)
        }
        // The session continues in the canonical schedule's state, its transcript not printed
        // (not after a WATCHDOG: a hung thread cannot run it; the session stays where it stopped).
        if !parHung {
            parCapture = ParCapture()
            _ = runSchedule(threads, collector: collector, start: start) { _, enabled in enabled[0] }
            parCapture = nil
        }
        for line in report.lines { output(line) }
        lastParReports.append(report)
    }

    /// Every schedule within the budget; the outcome table.
    ///
    /// Depth-first over the enabled threads, first in written order first; a branch point is
    /// reached again by restoring the deepest node state saved above it (saved where every
    /// thread was between calls) and replaying the few steps since. Past the budget, seeded
    /// random schedules, each from the start state. With reduction on,
    /// states already explored are not explored again: the state key covers everything a
    /// later step or the outcome can depend on (the objects' words and wait blocks, the
    /// handle table and its ledgers, the threads' positions and pause points, the bindings
    /// and diagnostics so far), and each state's subtree is remembered as outcome counts and
    /// witness suffixes, so the table (counts and witnesses included) is the same as without
    /// reduction.
    func explorePar(_ collector: ParCollector, threads: [ParThread], start: ParStartState, file: String)
        -> ParReport
    {
        let budget = collector.options.budget
        var entries: [ParReport.Entry] = []
        var index: [ParOutcome: Int] = [:]
        var run = 0
        func record(_ outcome: ParOutcome, witness: [ScheduleStep]) {
            run += 1
            if let existing = index[outcome] {
                entries[existing].schedules += 1
            } else {
                index[outcome] = entries.count
                entries.append(
                    ParReport.Entry(
                        outcome: outcome, schedules: 1,
                        witness: witness.map(\.description).joined(separator: " ")))
            }
        }
        parCapture = ParCapture()
        parHung = false
        defer { parCapture = nil }
        let bound = interleavingBound(collector, threads: threads)
        let depthFirstBudget = bound <= Double(budget) ? budget : max(1, budget / 2)
        var exhaustive = false
        var represented = 0

        // Depth-first, with the state cache when reduction is on.
        let search = ParSearch(budget: depthFirstBudget, caching: parReduction)
        search.interruptRequested = interruptRequested
        beginSchedule(threads, start: start)
        var made: Set<String> = []
        _ = enabledThreads(threads, collector: collector, made: made)
        search.anchors = [(0, saveParNode(threads, made: made))]
        if let root = depthFirst(
            threads, collector: collector, path: [], steps: [], made: &made, search: search,
            preemption: ParPreemption(), record: record)
        {
            exhaustive = true
            represented = root.total
            for (outcome, entry) in root.outcomes { entries[index[outcome]!].schedules = entry.count }
        }
        parStatistics = ParStatistics(run: search.runs, cached: search.cacheHits, states: search.cache.count)
        run = search.runs
        // Past the budget: seeded random schedules.
        if !exhaustive {
            var random = SplitMix(seed: collector.options.seed)
            while run < budget && !search.pollInterrupt() && !parHung {
                let schedule = runSchedule(threads, collector: collector, start: start) { _, enabled in
                    enabled[Int(random.next() % UInt64(enabled.count))]
                }
                if let outcome = schedule.outcome { record(outcome, witness: schedule.steps) }
            }
            parStatistics?.run = run
            // Not exhaustive: the schedules that ran to their end, each counted once.
            represented = entries.reduce(0) { $0 + $1.schedules }
        }
        var report = ParReport(
            file: file, line: collector.location.line, schedules: represented, exhaustive: exhaustive,
            budget: budget, seed: collector.options.seed, run: parStatistics?.run, entries: entries)
        report.interrupted = search.interrupted
        report.stoppedByWatchdog = parHung
        if collector.options.granularity == .atomic { report.preemptionBound = collector.options.preemptions }
        return report
    }

    /// The depth-first search below the current state (reached by `path`). Returns the
    /// subtree's outcomes with counts and witness suffixes, or nil when the budget ran out.
    ///
    /// Going back to a node to try its next enabled thread restores the deepest saved node
    /// state above it (saved where every thread was between calls) and replays the steps from
    /// there: usually none or a few, not the whole prefix.
    private func depthFirst(
        _ threads: [ParThread], collector: ParCollector, path: [Int], steps: [ScheduleStep],
        made: inout Set<String>, search: ParSearch, preemption: ParPreemption,
        record: (ParOutcome, [ScheduleStep]) -> Void
    ) -> ParSubtree? {
        let enabled = enabledThreads(threads, collector: collector, made: made)
        if enabled.isEmpty {
            let outcome = outcome(threads, collector: collector, made: made, capture: parCapture!)
            search.leaves += 1
            record(outcome, steps)
            return ParSubtree(outcomes: [outcome: .init(count: 1, suffix: [])], order: [outcome], total: 1)
        }
        // At atomic granularity a thread parked inside a call holds values it loaded, which no
        // key sees: states are remembered only where no thread is parked inside a call.
        let bound = collector.options.granularity == .atomic ? collector.options.preemptions : nil
        let caching =
            search.caching
            && (bound == nil || threads.allSatisfy { if case .paused = $0.phase { false } else { true } })
        let key = caching ? stateKey(threads, made: made) + preemption.key : ""
        if caching, let cached = search.cache[key] {
            search.cacheHits += 1
            return cached
        }
        if search.runs >= search.budget || search.pollInterrupt() || parHung { return nil }
        let depth = path.count
        var anchored = false
        if enabled.count > 1, search.anchors.last?.depth != depth,
            threads.allSatisfy({ if case .idle = $0.phase { true } else { false } })
        {
            search.anchors.append((depth, saveParNode(threads, made: made)))
            anchored = true
        }
        defer { if anchored { search.anchors.removeLast() } }
        var result = ParSubtree(outcomes: [:], order: [], total: 0)
        let allowed = bound.map { preemption.allowed(enabled, threads: threads, bound: $0) } ?? enabled
        for (position, choice) in allowed.enumerated() {
            if position > 0 {
                // Back to this node: the deepest saved state above it, then the steps since.
                search.runs += 1
                let anchor = search.anchors[search.anchors.count - 1]
                restoreParNode(anchor.state, threads: threads, made: &made)
                for (offset, earlier) in path[anchor.depth...].enumerated() {
                    _ = enabledThreads(threads, collector: collector, made: made)
                    threads[earlier].steps += 1
                    parTrace = (steps, anchor.depth + offset + 1)
                    take(threads[earlier], threads: threads, made: &made, transcript: false)
                }
                _ = enabledThreads(threads, collector: collector, made: made)
            }
            let thread = threads[choice]
            thread.steps += 1
            let step = ScheduleStep(thread: thread.name, number: thread.steps)
            let next = steps + [step]
            parTrace = (next, next.count)
            take(thread, threads: threads, made: &made, transcript: false)
            // A thread that hung (WATCHDOG) cannot take part in another schedule: stop here.
            if parHung { return nil }
            guard
                let child = depthFirst(
                    threads, collector: collector, path: path + [choice], steps: next,
                    made: &made, search: search,
                    preemption: preemption.after(choice, enabled: enabled, threads: threads), record: record)
            else { return nil }
            for outcome in child.order {
                let entry = child.outcomes[outcome]!
                if let existing = result.outcomes[outcome] {
                    result.outcomes[outcome]!.count = saturatingSum(existing.count, entry.count)
                } else {
                    result.outcomes[outcome] = .init(count: entry.count, suffix: [step] + entry.suffix)
                    result.order.append(outcome)
                }
            }
            result.total = saturatingSum(result.total, child.total)
        }
        if caching { search.cache[key] = result }
        return result
    }

    /// Everything a node of the search needs to be resumed, saved while every thread is
    /// between calls.
    private func saveParNode(_ threads: [ParThread], made: Set<String>) -> ParNodeState {
        ParNodeState(
            session: saveParStart(), positions: threads.map { ($0.pc, $0.steps) }, made: made,
            diagnostics: parCapture?.diagnostics ?? [])
    }

    private func restoreParNode(_ node: ParNodeState, threads: [ParThread], made: inout Set<String>) {
        releaseBlocked(threads)
        restoreParStart(node.session)
        for (thread, position) in zip(threads, node.positions) {
            thread.pc = position.pc
            thread.steps = position.steps
            thread.phase = .idle
        }
        made = node.made
        parCapture?.diagnostics = node.diagnostics
    }

    /// What decides every later step and the outcome, as a string.
    private func stateKey(_ threads: [ParThread], made: Set<String>) -> String {
        var key = ""
        for name in handleOrder {
            guard let handle = handles[name] else { continue }
            key += name
            switch handle.value {
            case .plain(let ref):
                key += "=p" + ref.saveState().map { String($0, radix: 16) }.joined(separator: ",")
            case .cacheAware(let ref):
                key += "=c" + ref.saveState().map { String($0, radix: 16) }.joined(separator: ",")
            case .null: key += "=n"
            case .number(let value): key += "=#\(value)"
            case .boolean(let value): key += value ? "=T" : "=F"
            }
            key += "[" + handle.ledger.fingerprint + "]"
            for waiter in handle.waiters { key += "w" + waiter.name }
            key += ";"
        }
        key += "|a" + allocations.map { $0.freed ? "f" : "l" }.joined()
        key += "|p\(pool.outstanding.count)"
        for thread in threads {
            key += "|\(thread.pc).\(thread.steps).\(thread.worker.cpu).\(thread.worker.irql)"
            switch thread.phase {
            case .idle: key += "i"
            case .blocked: key += "b"
            case .woken: key += "w"
            case .paused: key += "p\(String(describing: thread.worker.pausePoint))"
            }
        }
        key += "|m" + made.sorted().joined(separator: ",")
        key +=
            "|d"
            + (parCapture?.diagnostics.sorted().map { "\($0.code.rawValue)@\($0.line)" }.joined(
                separator: ",") ?? "")
        return key
    }

    /// An upper bound on the raw interleavings: the multinomial of the threads' most steps.
    func interleavingBound(_ collector: ParCollector, threads: [ParThread]) -> Double {
        // Atomic steps per call depend on the values read: no bound is known in advance.
        if collector.options.granularity == .atomic { return .infinity }
        var slots = options.processors
        for name in handleOrder {
            if let handle = handles[name], case .cacheAware(let ref) = handle.value {
                slots = max(slots, ref.slotCount)
            }
        }
        var total = 0
        var bound = 1.0
        for thread in threads {
            var steps = 0
            for line in thread.lines {
                guard case .call(let call) = line.kind else { continue }
                switch Operation.of(call.routine) {
                case .wait: steps += 2
                case .waitCacheAware: steps += slots + 1
                case .completedCacheAware: steps += slots
                case .reinitializeCacheAware: steps += 2 * slots
                default: steps += 1
                }
            }
            for k in stride(from: 1, through: steps, by: 1) {
                total += 1
                bound = bound * Double(total) / Double(k)
            }
        }
        return bound
    }

    /// `.par schedule="..."`: that one schedule, with the full directed transcript.
    func runDirectedSchedule(
        _ wanted: [ScheduleStep], threads: [ParThread], collector: ParCollector, start: ParStartState
    ) {
        var next = 0
        var failed = false
        _ = runSchedule(threads, collector: collector, start: start, transcript: true) { _, enabled in
            if failed || next >= wanted.count { return failed ? enabled[0] : nil }
            let step = wanted[next]
            next += 1
            if let position = threads.firstIndex(where: { $0.name == step.thread }),
                threads[position].steps + 1 == step.number, enabled.contains(position)
            {
                return position
            }
            let offered = enabled.map { "\(threads[$0].name).\(threads[$0].steps + 1)" }.joined(
                separator: " ")
            let why =
                threads.contains(where: { $0.name == step.thread })
                ? "step \(step) is not enabled after \(next - 1) step\(next == 2 ? "" : "s")"
                : "step \(step) names no thread of the block"
            self.report(
                Diagnostic(
                    .badSchedule, why, location: collector.location, length: 4,
                    notes: [
                        "enabled instead: \(offered)", "the rest runs in the canonical order, not printed",
                    ]),
                sourceText: collector.sourceText)
            failed = true
            self.parCapture = ParCapture()
            return enabled[0]
        }
        parCapture = nil
        if !failed && next < wanted.count {
            report(
                Diagnostic(
                    .badSchedule, "step \(wanted[next]) does not exist: no thread had a step left",
                    location: collector.location, length: 4,
                    notes: [
                        "the schedule ran \(next) step\(next == 1 ? "" : "s"); the rest of the string was not used"
                    ]),
                sourceText: collector.sourceText)
        }
    }

    // MARK: - One schedule

    /// Runs one schedule from `start`: at each step the chooser picks one enabled thread.
    func runSchedule(
        _ threads: [ParThread], collector: ParCollector, start: ParStartState, transcript: Bool = false,
        choose: ParChooser
    ) -> ParScheduleRun {
        beginSchedule(threads, start: start)
        var made: Set<String> = []
        var run = ParScheduleRun()
        // A directed schedule (with its transcript) is run as written, whatever its preemptions.
        let bound =
            collector.options.granularity == .atomic && !transcript ? collector.options.preemptions : nil
        var preemption = ParPreemption()
        while true {
            let all = enabledThreads(threads, collector: collector, made: made)
            if all.isEmpty { break }
            let enabled = bound.map { preemption.allowed(all, threads: threads, bound: $0) } ?? all
            guard let pick = choose(run.decisions.count, enabled), let chosen = enabled.firstIndex(of: pick)
            else { break }
            preemption = preemption.after(pick, enabled: all, threads: threads)
            run.decisions.append((enabled, chosen))
            let thread = threads[pick]
            thread.steps += 1
            run.steps.append(ScheduleStep(thread: thread.name, number: thread.steps))
            parTrace = (run.steps, run.steps.count)
            take(thread, threads: threads, made: &made, transcript: transcript)
            parTrace = ([], 0)  // no second reference: the next append must not copy the steps
        }
        if let capture = parCapture {
            run.outcome = outcome(threads, collector: collector, made: made, capture: capture)
        }
        return run
    }

    /// Back to the start state: blocked waiters of the previous schedule released, objects and
    /// session restored, every thread at its first line, no diagnostics.
    func beginSchedule(_ threads: [ParThread], start: ParStartState) {
        releaseBlocked(threads)
        restoreParStart(start)
        for thread in threads {
            thread.pc = 0
            thread.steps = 0
            thread.phase = .idle
        }
        parCapture?.diagnostics.removeAll()
    }

    /// The threads with an enabled step, in written order.
    private func enabledThreads(_ threads: [ParThread], collector: ParCollector, made: Set<String>) -> [Int] {
        var enabled: [Int] = []
        for (position, thread) in threads.enumerated() where advance(thread, collector: collector, made: made)
        {
            enabled.append(position)
        }
        return enabled
    }

    /// True when `thread` has an enabled step; skips lines whose guard is false and applies
    /// `.cpu` lines on the way.
    private func advance(_ thread: ParThread, collector: ParCollector, made: Set<String>) -> Bool {
        switch thread.phase {
        case .paused, .woken: return true
        case .blocked: return false
        case .idle: break
        }
        while thread.pc < thread.lines.count {
            let line = thread.lines[thread.pc]
            switch line.kind {
            case .cpu(let processor):
                thread.worker.cpu = processor
                thread.pc += 1
            case .call(let call):
                guard let name = call.guardName else { return true }
                var value = false
                if collector.bindings.contains(where: { $0.name == name }) && !made.contains(name) {
                    value = false
                } else if let handle = handles[name], case .boolean(let bound) = handle.value {
                    value = bound
                }
                if value != call.guardNegated { return true }
                thread.pc += 1
            }
        }
        return false
    }

    /// Runs `thread`'s next step and waits until every thread has settled.
    private func take(_ thread: ParThread, threads: [ParThread], made: inout Set<String>, transcript: Bool) {
        let worker = thread.worker
        switch thread.phase {
        case .idle:
            guard thread.pc < thread.lines.count, case .call(let call) = thread.lines[thread.pc].kind else {
                return
            }
            let line = thread.lines[thread.pc]
            thread.pc += 1
            parStepsTaken += 1
            if parStepsTaken == Self.parHangAtStep {
                // RDSH_PAR_HANG_AT (tests): this step's thread is stuck outside any wait.
                worker.post { while true { usleep(100_000) } }
                parWatchdogIfUnsettled(sourceText: line.sourceText)
                thread.phase = .idle
                return
            }
            if transcript {
                output(
                    "\(thread.name).\(thread.steps): \(line.sourceText.trimmed)")
            }
            observer.setStepping(worker)
            guard let started = startCall(call, location: call.location, sourceText: line.sourceText) else {
                return
            }
            settleStep(thread, started, made: &made)
        case .paused(let started):
            let pending = started.pending
            if transcript {
                output(
                    "\(thread.name).\(thread.steps): \(pending.display): \(describeStep(worker.pausePoint))"
                )
            }
            observer.setStepping(worker)
            worker.resumeStep()
            settleStep(thread, started, made: &made)
        case .woken(let started):
            let pending = started.pending
            if transcript {
                output(
                    "\(thread.name).\(thread.steps): \(pending.display): returns"
                )
            }
            worker.resumeStep()
            parWatchdogIfUnsettled(sourceText: nil)
            if worker.status == .paused {
                // Atomic granularity: the woken waiter parks again before its next atomic step.
                thread.phase = .paused(started)
            } else if worker.status == .idle {
                worker.current = nil
                pending.handle?.removeWaiter(worker)
                if let object = pending.object { observer.unregister(worker, object: object) }
                output("[\(worker.name)] returned from \(pending.display)")
                if case .violation(let violation) = pending.result {
                    report(libraryViolation(violation, pending), sourceText: nil)
                }
                thread.phase = .idle
            }
        case .blocked:
            return
        }
        for woken in observer.takeWoken() {
            if let other = threads.first(where: { $0.worker === woken }),
                case .blocked(let started) = other.phase
            {
                other.phase = .woken(started)
            }
        }
    }

    /// From `RDSH_PAR_HANG_AT=N` (end-to-end tests of the report): the N-th step an
    /// exploration takes (counted from 1 over the session) gets stuck outside any wait instead
    /// of making its call. 0: never.
    static let parHangAtStep: Int = getenv("RDSH_PAR_HANG_AT").flatMap { Int(String(cString: $0)) } ?? 0

    /// Waits for every thread to settle. When one does not in time: WATCHDOG (outside the
    /// schedule's capture, so the user sees it), and the exploration stops (``parHung``): a
    /// hung thread cannot run another schedule, and the table says why it is not exhaustive.
    private func parWatchdogIfUnsettled(sourceText: String?) {
        if gate.awaitSettled(timeoutNanoseconds: watchdogNanoseconds) { return }
        let saved = parCapture
        parCapture = nil
        let schedule = parTrace.steps.prefix(parTrace.count).map(\.description).joined(separator: " ")
        reportWatchdog(
            sourceText: sourceText,
            notes: [
                "in the schedule \(schedule); `.par schedule=\"\(schedule)\"` runs it again with its transcript"
            ])
        parCapture = saved
        parHung = true
    }

    private func settleStep(_ thread: ParThread, _ started: StartedCall, made: inout Set<String>) {
        let worker = thread.worker
        let pending = started.pending
        parWatchdogIfUnsettled(sourceText: started.sourceText)
        switch worker.status {
        case .idle:
            worker.current = nil
            complete(started)
            thread.phase = .idle
            if let binding = pending.binding {
                switch pending.result {
                case .boolean, .size, .created: made.insert(binding)
                default: break
                }
            }
        case .blocked:
            reportBlocked(pending, worker: worker)
            thread.phase = .blocked(started)
        case .paused:
            thread.phase = .paused(started)
        case .running, .handedOver, .hung:
            thread.phase = .idle
        }
    }

    private func describeStep(_ point: RundownStepPoint?) -> String {
        switch point {
        case .sweep(let slot, _): "marks slot \(slot)"
        case .completedSlot(let slot): "sets slot \(slot) to 1"
        case .reinitializeSlot(let pass, let slot): "sets slot \(slot) to \(pass == 0 ? 1 : 0)"
        case .woke: "returns"
        case .atomic(let step): "\(step)"
        case nil: "continues"
        }
    }

    /// The outcome of the schedule that just ended.
    private func outcome(
        _ threads: [ParThread], collector: ParCollector, made: Set<String>, capture: ParCapture
    ) -> ParOutcome {
        var bindings: [(name: String, value: String)] = []
        for (name, _) in collector.bindings where !collector.handleNames.contains(name) {
            guard made.contains(name), let handle = handles[name] else {
                bindings.append((name, "none"))
                continue
            }
            switch handle.value {
            case .boolean(let value): bindings.append((name, value ? "TRUE" : "FALSE"))
            case .number(let value): bindings.append((name, String(value)))
            case .null: bindings.append((name, "NULL"))
            case .plain, .cacheAware: break
            }
        }
        var states: [ParOutcome.HandleState] = []
        for name in collector.handleNames {
            guard let handle = handles[name] else {
                states.append(.init(name: name, state: "none", holders: 0, slots: nil))
                continue
            }
            switch handle.value {
            case .plain(let ref):
                let snapshot = ref.snapshot()
                states.append(
                    .init(name: name, state: snapshot.state.rawValue, holders: snapshot.holders, slots: nil))
            case .cacheAware(let ref):
                let snapshot = ref.snapshot()
                states.append(
                    .init(
                        name: name, state: snapshot.state.rawValue, holders: snapshot.holders,
                        slots: snapshot.slots))
            case .null:
                states.append(.init(name: name, state: "NULL", holders: 0, slots: nil))
            case .number, .boolean:
                break
            }
        }
        var blocked: [String] = []
        for thread in threads {
            if case .blocked = thread.phase { blocked.append(thread.name) }
        }
        // In the text table a diagnostic names its line by the line's text, which stays true
        // when lines move (as why-lines do); the JSON document also gives the number.
        let diagnostics = capture.diagnostics.sorted().map { diagnostic in
            let text = collector.lines.first { $0.location.line == diagnostic.line }?.sourceText.trimmed
            return ParOutcome.DiagnosticEntry(
                code: diagnostic.code.rawValue, line: diagnostic.line, text: text)
        }
        return ParOutcome(bindings: bindings, handles: states, blocked: blocked, diagnostics: diagnostics)
    }

    // MARK: - Start state

    /// Lets every call the previous schedule left unfinished run to its end: threads parked at a
    /// step boundary (a schedule cut short by the state cache) are resumed, blocked waiters
    /// are woken. What they do to the objects is undone by the restore that follows.
    private func releaseBlocked(_ threads: [ParThread]) {
        for thread in threads {
            let worker = thread.worker
            var rounds = 0
            while worker.status != .idle && rounds < 10_000 {
                rounds += 1
                switch worker.status {
                case .paused:
                    observer.setStepping(worker)
                    worker.resumeStep()
                case .blocked:
                    worker.markWoken()
                    if let ref = worker.current?.object as? RundownRef { ref.forceWake() }
                    if let ref = worker.current?.object as? CacheAwareRundownRef { ref.forceWake() }
                default:
                    break
                }
                _ = gate.awaitSettled(timeoutNanoseconds: watchdogNanoseconds)
            }
            worker.current = nil
            thread.phase = .idle
        }
        _ = observer.takeWoken()
    }

    /// Nanoseconds per restore of the session's present state, as every schedule does (for the
    /// benchmark that compares restoring with replaying the prefix).
    package func parRestoreNanoseconds(iterations: Int) -> Double {
        let start = saveParStart()
        let began = rd_now_ns()
        for _ in 0..<iterations { restoreParStart(start) }
        return Double(rd_now_ns() &- began) / Double(max(iterations, 1))
    }

    func saveParStart() -> ParStartState {
        var saved:
            [(
                handle: Handle, value: Handle.Value, location: SourceLocation, ledger: Ledger,
                allocation: Allocation?
            )] = []
        var objects: [(object: AnyObject, state: [UInt])] = []
        for name in handleOrder {
            guard let handle = handles[name] else { continue }
            saved.append((handle, handle.value, handle.location, handle.ledger, handle.allocation))
            switch handle.value {
            case .plain(let ref): objects.append((ref, ref.saveState()))
            case .cacheAware(let ref): objects.append((ref, ref.saveState()))
            default: break
            }
        }
        return ParStartState(
            handles: saved, handleOrder: handleOrder, objects: objects,
            allocations: allocations.map { ($0, $0.freed) }, pool: pool.saveBooks(),
            workers: workerOrder.map { ($0, $0.cpu, $0.irql) })
    }

    func restoreParStart(_ start: ParStartState) {
        handles.removeAll(keepingCapacity: true)
        for entry in start.handles {
            let handle = entry.handle
            handle.value = entry.value
            handle.location = entry.location
            handle.ledger = entry.ledger
            handle.allocation = entry.allocation
            handle.waiters.removeAll()
            handles[handle.name] = handle
        }
        handleOrder = start.handleOrder
        for (object, state) in start.objects {
            if let ref = object as? RundownRef { ref.restoreState(state) }
            if let ref = object as? CacheAwareRundownRef { ref.restoreState(state) }
        }
        allocations = start.allocations.map { entry in
            entry.allocation.freed = entry.freed
            return entry.allocation
        }
        pool.restoreBooks(start.pool)
        for (worker, cpu, irql) in start.workers {
            worker.cpu = cpu
            worker.irql = irql
        }
        observer.forgetAll()
    }
}

/// A small seeded generator (SplitMix64): the same seed gives the same schedules everywhere.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension String {
    /// Without leading and trailing blanks.
    var trimmed: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}

/// The outcomes below one state of the reduced search.
struct ParSubtree {
    struct Entry {
        var count: Int
        /// The first schedule suffix (in depth-first order) from this state to the outcome.
        var suffix: [ScheduleStep]
    }

    var outcomes: [ParOutcome: Entry]
    /// In the order first reached.
    var order: [ParOutcome]
    /// Schedules below this state.
    var total: Int
}

/// A node of the search, saved while every thread was between calls.
struct ParNodeState {
    var session: ParStartState
    var positions: [(pc: Int, steps: Int)]
    var made: Set<String>
    var diagnostics: Set<ParDiagnostic>
}

/// The depth-first search's memory: saved nodes on the current path, explored states, and
/// what was run.
final class ParSearch {
    let budget: Int
    /// Remember explored states (reduction on).
    let caching: Bool
    /// Saved nodes on the current path, shallowest first.
    var anchors: [(depth: Int, state: ParNodeState)] = []
    var cache: [String: ParSubtree] = [:]
    var leaves = 0
    var cacheHits = 0
    /// Schedules started from the start state (the first one, then one per replay).
    var runs = 1
    /// Asked at most every ``interruptPeriod`` nanoseconds: true stops the search (the REPL's
    /// Ctrl-C). Nil outside the REPL.
    var interruptRequested: (() -> Bool)?
    /// The search was stopped by ``interruptRequested``.
    private(set) var interrupted = false
    /// Time between two questions (asking costs a system call; a step costs microseconds).
    static let interruptPeriod: UInt64 = 50_000_000
    private var nextPoll: UInt64 = 0

    /// Asks ``interruptRequested`` when its period has passed; true once the search must stop.
    func pollInterrupt() -> Bool {
        if interrupted { return true }
        guard let interruptRequested else { return false }
        let now = rd_now_ns()
        guard now >= nextPoll else { return false }
        nextPoll = now &+ Self.interruptPeriod
        if interruptRequested() { interrupted = true }
        return interrupted
    }

    init(budget: Int, caching: Bool) {
        self.budget = budget
        self.caching = caching
    }
}

/// How much work the last explored block took (for `rdsh explore --json` and the benchmark).
public struct ParStatistics: Sendable, Equatable {
    /// Schedules actually run to their end.
    public var run: Int
    /// Subtrees taken from the state cache instead of being explored again.
    public var cached: Int
    /// Distinct states remembered.
    public var states: Int
}

/// `a + b`, or Int.max when that overflows (interleavings grow factorially).
func saturatingSum(_ a: Int, _ b: Int) -> Int {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? Int.max : sum
}

/// The preemptions a schedule has used at atomic granularity, and the thread that ran last.
///
/// A preemption is a switch away from the thread that ran last while it is parked inside a
/// call and could go on (CHESS counts the same way); switches between calls, and away from a
/// thread that blocked or finished, are free. So `preemptions=0` still explores every order of
/// whole calls.
struct ParPreemption {
    var last: Int?
    var used = 0

    /// Part of the state key: the same state with fewer preemptions left has fewer futures.
    var key: String { "|L\(last ?? -1)P\(used)" }

    /// True when running `choice` next preempts the thread that ran last.
    func preempts(_ choice: Int, enabled: [Int], threads: [ParThread]) -> Bool {
        guard let last, last != choice, enabled.contains(last) else { return false }
        switch threads[last].phase {
        case .paused, .woken: return true
        case .idle, .blocked: return false
        }
    }

    /// The enabled threads that stay within `bound` preemptions.
    func allowed(_ enabled: [Int], threads: [ParThread], bound: Int) -> [Int] {
        if used < bound { return enabled }
        return enabled.filter { !preempts($0, enabled: enabled, threads: threads) }
    }

    /// After `choice` ran (chosen among `enabled`).
    func after(_ choice: Int, enabled: [Int], threads: [ParThread]) -> ParPreemption {
        ParPreemption(
            last: choice, used: used + (preempts(choice, enabled: enabled, threads: threads) ? 1 : 0))
    }
}

import CRundownSupport
import Rundown
import RundownScript

// MARK: - rdsh stress: a closed block run again and again on free-running threads

extension Session {
    /// Runs the block ``stressRuns`` times on free-running threads, from the state at `.par`,
    /// and checks every outcome against `explored`.
    ///
    /// What a free run checks: the library's own refusals (each call's `RundownViolation`,
    /// reported under the same code as in exploration) and a plain wait that returned at
    /// once on a stale word (WAIT_ON_STALE). The contract checker and the ledger need every
    /// thread settled before each call, which a free run never is, so their codes (IRQL,
    /// ledger, leak and warning codes) are not observed: explored outcomes are compared
    /// without them. See ``StressProgram/observableCodes``.
    func stressPar(
        _ collector: ParCollector, threads: [ParThread], start: ParStartState, explored: ParReport,
        file: String
    ) {
        guard let requested = stressRuns else { return }
        var report = StressReport(
            file: file, line: collector.location.line, requested: requested, runs: 0, seconds: 0,
            exhaustive: explored.exhaustive, entries: [], neverObserved: [])
        defer { lastStressReports.append(report) }
        if stressHung {
            report.skipped = "an earlier stress run hung and its threads were left behind"
            return
        }
        // Every thread of the explorer idle, the objects as they were at `.par`; the session's
        // observer must not try to park these threads at step boundaries.
        beginSchedule(threads, start: start)
        let program: StressProgram
        switch stressProgram(collector) {
        case .failure(let skip):
            report.skipped = "line \(skip.line): \(skip.reason)"
            return
        case .success(let compiled):
            program = compiled
        }
        observer.setExploring(false)
        defer {
            // After a hang whose threads were left behind, the objects stay as they are.
            if !stressHung { restoreParStart(start) }
            observer.setExploring(true)
        }

        let observable = Set(StressProgram.observableCodes)
        var allowed: [ParOutcome] = []
        var allowedSet: Set<ParOutcome> = []
        for entry in explored.entries {
            let projected = Self.project(entry.outcome, observable: observable)
            if allowedSet.insert(projected).inserted { allowed.append(projected) }
        }

        let pool = self.pool
        let books = start.pool
        let rig = StressRig(program: program, runs: requested, watchdogNanoseconds: watchdogNanoseconds) {
            for (index, object) in program.objects.enumerated() {
                object.restoreState(program.startStates[index])
            }
            if program.frees { pool.restoreBooks(books) }
        }
        guard rig.start() else {
            report.skipped = "the system refused to create the block's threads"
            return
        }
        let began = rd_now_ns()
        let hungRun = rig.runAll()
        report.seconds = Double(rd_now_ns() &- began) / 1e9
        if let hungRun {
            report.hungRun = hungRun
            reportStressHang((hungRun, rig.hungThreads), rig: rig, program: program, collector: collector)
            if rig.rescue(run: hungRun, nanoseconds: 200_000_000).isEmpty {
                rig.stop(joining: true)
            } else {
                rig.stop(joining: false)
                stressHung = true
            }
        } else {
            rig.stop(joining: true)
        }
        for entry in rig.outcomes {
            let outcome = decode(entry.key, program: program, collector: collector)
            report.runs += entry.runs
            report.entries.append(
                .init(
                    outcome: outcome, runs: entry.runs, firstRun: entry.firstRun,
                    allowed: allowedSet.contains(outcome)))
        }
        let observed = Set(report.entries.map(\.outcome))
        report.neverObserved = allowed.filter { !observed.contains($0) }
        for entry in report.entries where !entry.allowed {
            var notes = [
                "\(entry.runs) of \(report.runs) runs ended in it; exploration allows \(allowed.count) outcome\(allowed.count == 1 ? "" : "s") (compared without checker-only codes)"
            ]
            if !explored.exhaustive {
                notes.append(
                    "the exploration was not exhaustive (budget \(explored.budget)): raise .par budget= to be sure"
                )
            }
            self.report(
                Diagnostic(
                    .stressOutcome,
                    "run \(entry.firstRun) ended in an outcome exploration does not allow: \(entry.outcome.summary)",
                    location: collector.location, length: 4, notes: notes),
                sourceText: collector.sourceText)
        }
    }

    /// An explored outcome as a free run can see it: without the diagnostics only the checker
    /// raises.
    static func project(_ outcome: ParOutcome, observable: Set<String>) -> ParOutcome {
        ParOutcome(
            bindings: outcome.bindings, handles: outcome.handles, blocked: outcome.blocked,
            diagnostics: outcome.diagnostics.filter { observable.contains($0.code) })
    }

    /// The outcome a key stands for (see ``StressRig``'s `outcomeKey`).
    private func decode(_ key: [Int], program: StressProgram, collector: ParCollector) -> ParOutcome {
        var position = 0
        func next() -> Int {
            defer { position += 1 }
            return key[position]
        }
        var bindings: [(name: String, value: String)] = []
        for binding in program.bindings {
            let value = next()
            if value < 0 {
                bindings.append((binding.name, "none"))
            } else if binding.isBoolean {
                bindings.append((binding.name, value == 1 ? "TRUE" : "FALSE"))
            } else {
                bindings.append((binding.name, String(value)))
            }
        }
        var handles: [ParOutcome.HandleState] = []
        for handle in program.handles {
            switch handle.shape {
            case .fixed(let state):
                handles.append(state)
            case .object:
                let state = RundownStateName.allCases[next()].rawValue
                let holders = next()
                let slotCount = next()
                var slots: [Int]?
                if slotCount >= 0 { slots = (0..<slotCount).map { _ in next() } }
                handles.append(.init(name: handle.name, state: state, holders: holders, slots: slots))
            }
        }
        let mask = next()
        let blocked = program.threads.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element.name)
        var diagnostics: Set<ParDiagnostic> = []
        for thread in program.threads {
            for op in thread.ops {
                let code = next()
                if code >= 0, let parsed = DiagnosticCode(rawValue: StressProgram.observableCodes[code]) {
                    diagnostics.insert(ParDiagnostic(code: parsed, line: op.line))
                }
            }
        }
        let entries = diagnostics.sorted().map { diagnostic in
            let text = collector.lines.first { $0.location.line == diagnostic.line }?.sourceText.trimmed
            return ParOutcome.DiagnosticEntry(
                code: diagnostic.code.rawValue, line: diagnostic.line, text: text)
        }
        return ParOutcome(bindings: bindings, handles: handles, blocked: blocked, diagnostics: entries)
    }

    /// WATCHDOG for a run that neither finished nor blocked: the threads still inside a call
    /// and every object's state, words and slots.
    private func reportStressHang(
        _ hang: (run: Int, threads: [Int]), rig: StressRig, program: StressProgram, collector: ParCollector
    ) {
        var notes: [String] = []
        for t in hang.threads {
            let thread = program.threads[t]
            let line = rig.currentLine(t)
            if line >= 0 {
                let number = thread.ops[line].line
                let text =
                    collector.lines.first { $0.location.line == number }?.sourceText.trimmed
                    ?? "line \(number)"
                notes.append("thread \(thread.name) is still in \"\(text)\" (line \(number))")
            } else {
                notes.append("thread \(thread.name) is between calls")
            }
        }
        for handle in program.handles {
            guard case .object(let index) = handle.shape else { continue }
            let object = program.objects[index]
            let snapshot = object.snapshot()
            let words = object.saveState().map { "0x" + String($0, radix: 16) }.joined(separator: " ")
            var text = "\(handle.name): \(snapshot.state.rawValue) holders=\(snapshot.holders)"
            if let slots = snapshot.slots {
                text += " slots=[" + slots.map(String.init).joined(separator: ",") + "]"
            }
            notes.append(text + "; saved words \(words)")
        }
        notes.append(
            "rdsh stress stops here: the threads are woken by force, and left behind if they still do not return"
        )
        let names = hang.threads.map { program.threads[$0].name }.joined(separator: ", ")
        report(
            Diagnostic(
                .watchdog,
                "stress run \(hang.run) hung: \(names) neither returned nor blocked for good within \(formatSeconds(options.watchdogSeconds))",
                location: collector.location, length: 4, notes: notes),
            sourceText: collector.sourceText)
    }
}

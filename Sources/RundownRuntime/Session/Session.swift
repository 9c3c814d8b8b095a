import CRundownSupport
import Glibc
import Rundown
import RundownScript

/// One interpreter: handles, named worker threads, the ledger, the pool, and the transcript.
///
/// Every input source (a script file, stdin, the REPL, `.read`) goes through one entry point,
/// ``execute(line:location:)``: parse, check the contract, hand the call to its thread, wait
/// until every thread has settled, emit what happened. The session is driven from one thread
/// (the coordinator); the worker threads only run routine calls. A session owns everything it
/// uses, so tests can run many sessions in one process.
///
/// The fields every command reads or writes are marked `@exclusivity(unchecked)`: only the
/// coordinator touches them, and no access to one of them is open while another begins (no
/// method that mutates one calls back into the session), so the runtime's check of each
/// access, a call that searches the thread's set of open accesses, could never fire. Those
/// checks cost about a tenth of the coordinator's work per command.
public final class Session {
    /// The options in force (`.echo`, `.bail` and `.processors` change them).
    @exclusivity(unchecked) public internal(set) var options: SessionOptions
    /// The options the session started with (`.reset` returns to them).
    let initialOptions: SessionOptions
    let sink: TranscriptSink
    let gate = SettleGate()
    let observer = SessionObserver()
    var pool = RundownPool()
    /// Call lines already parsed, by their bytes.
    @exclusivity(unchecked) var lineCache = LineCache()
    /// Moves whenever a name of ``handles`` or ``workers`` is added, rebound to another
    /// object or forgotten: what a ``CompiledLine`` found for its names holds while it stays.
    private(set) var namesEpoch = 0

    /// Lines begun, of every kind (top-level, `.read`, interactive): a ``SettledWord`` holds
    /// for the line after its own only.
    @exclusivity(unchecked) var lineSerial = 0
    /// The word the last line's call left in a plain object (``settledSnapshot(of:)``).
    @exclusivity(unchecked) var settledWord: SettledWord?
    /// Contract checks that read a ``SettledWord`` instead of the object (for tests).
    @exclusivity(unchecked) @_spi(Testing) public internal(set) var settledWordsUsed = 0
    /// A thread was given up on (WATCHDOG): it may change an object at any time.
    @exclusivity(unchecked) var gaveUpOnThreads = false
    /// Commands that took the lane (``runLane(_:_:at:)``), for tests.
    @exclusivity(unchecked) @_spi(Testing) public internal(set) var laneCommands = 0
    /// Test seams: no line takes the lane, or every lane call is finished by the general path
    /// (as a call the library refused, or a thread that did not settle, would be), so that a
    /// test can compare the transcripts.
    @exclusivity(unchecked) @_spi(Testing) public var lanesEnabled = true
    @exclusivity(unchecked) @_spi(Testing) public var lanesFinishSlowly = false

    var handles: [String: Handle] = [:] {
        didSet { namesEpoch &+= 1 }
    }
    var handleOrder: [String] = []
    var workers: [String: Worker] = [:] {
        didSet { namesEpoch &+= 1 }
    }
    var workerOrder: [Worker] = []
    /// The first thread created under each case-folded name: finding a name that differs only
    /// in case (a typo) costs O(1), not a scan of every thread.
    var workersByLowercasedName: [String: Worker] = [:]
    var allocations: [Allocation] = []
    /// Each allocation by its object (allocations keep their objects alive): O(1) frees.
    var allocationOf: [ObjectIdentifier: Allocation] = [:]

    /// The file and line of the top-level command being executed (entries are tagged with it).
    @exclusivity(unchecked) var topFile = "<input>"
    @exclusivity(unchecked) var topLine: Int?
    /// Canonical paths of the `.read` files being executed, innermost last.
    var readStack: [String] = []
    /// Lines run from `.read` files since the current top-level input began (a script, or one
    /// interactive line): bounded by ``SessionOptions/maxReadLines`` so a `.read` fan-out
    /// cannot grow without end.
    @exclusivity(unchecked) var readLines = 0
    /// The budget ran out inside a `.read`; the innermost `.read` reports it, once.
    var readBudgetSpent = false
    var readLimitReported = false
    /// `.show` lines captured by ``finish()`` before blocked waits were released, in handle
    /// order. An array, not a `[String: String]`: that dictionary's first use costs a search
    /// of every conformance record of the executable (`String: Hashable`), 60 µs of a 1-line
    /// `rdsh run`, for lines only tests and the REPL read.
    var finalDescriptions: [(name: String, line: String?)]?
    @exclusivity(unchecked) var finished = false
    @exclusivity(unchecked) var bailed = false

    /// The `.par` block being collected, between `.par` and `.end`.
    @exclusivity(unchecked) var parCollector: ParCollector?
    /// While a block is explored: output is not printed and diagnostics are collected here as
    /// part of the schedule's outcome instead of being reported.
    @exclusivity(unchecked) var parCapture: ParCapture?
    /// A step of the `.par` block being explored did not settle (WATCHDOG): the search stops.
    var parHung = false
    /// The schedule being explored up to the step being taken, for WATCHDOG: the first `count`
    /// of `steps` (kept as the search's own arrays, so that a step costs no copy).
    var parTrace: (steps: [ScheduleStep], count: Int) = ([], 0)
    /// Steps the explorations of this session have taken (for `RDSH_PAR_HANG_AT`).
    var parStepsTaken = 0
    /// True while a `.par granularity=atomic` block runs: calls get ``AtomicStepHooks``.
    @exclusivity(unchecked) var atomicStepping = false
    /// Test seam: `.par granularity=atomic` calls bring back the fixed redirect bug (see
    /// ``RundownAtomicHooks/refusesRedirectToMarkedSlotZero``), so a test can show the
    /// exploration finds the hang it caused.
    @_spi(Testing) public var reintroducesRedirectBug = false
    /// State caching in `.par` exploration (on by default; tests turn it off to compare).
    public var parReduction = true
    /// The work done by the last explored block.
    public internal(set) var parStatistics: ParStatistics?
    /// The outcome tables of the blocks explored so far (for `rdsh explore --json`).
    public internal(set) var lastParReports: [ParReport] = []
    /// `rdsh stress -n N`: each `.par` block is also run N times on free-running threads.
    public var stressRuns: Int?
    /// The stress histograms of the blocks run so far (for `rdsh stress`).
    public internal(set) var lastStressReports: [StressReport] = []
    /// Set when a stress run hung and its threads were left behind: no further block is stressed.
    public internal(set) var stressHung = false

    /// Errors reported so far (warnings do not count).
    @exclusivity(unchecked) public internal(set) var errorCount = 0
    /// Warnings reported so far.
    @exclusivity(unchecked) public internal(set) var warningCount = 0
    /// `.exit` was executed: the caller should stop feeding lines.
    @exclusivity(unchecked) public internal(set) var shouldExit = false
    /// The script should stop: `.exit`, or an error while bail is on.
    public var shouldStop: Bool { shouldExit || bailed }

    /// Asked before each line of a `.read` file, and every 50 ms while a `.par` block is
    /// explored: `true` stops every `.read` in progress, or the exploration (the REPL's Ctrl-C).
    /// Top-level lines are not asked: the caller owns that loop.
    public var interruptRequested: (() -> Bool)?
    /// Where the last interrupted `.read` stopped (file, and the line that did not run); the
    /// caller reads and clears it.
    public var interruptedRead: (file: String, line: Int)?

    /// Directives the session does not implement itself (the REPL's `.record`): return `true`
    /// when handled. Called before the session reports UNKNOWN_DIRECTIVE.
    public var externalDirectiveHandler:
        ((_ name: String, _ arguments: [String], _ location: SourceLocation) -> Bool)?

    public init(options: SessionOptions = SessionOptions(), sink: TranscriptSink) {
        self.options = options
        self.initialOptions = options
        self.sink = sink
        _ = worker(named: "main")
    }

    deinit {
        shutdownThreads()
        // The coordinator stops counting as awake (its workers stopped in shutdownThreads).
        gate.share.sleep()
    }

    // MARK: - Public API

    /// Executes one input line: a command, a declaration, a directive, a comment or a blank line.
    public func execute(line: String, location: SourceLocation) {
        if finished { restart() }
        // Bail stops the rest of one input unit (a script, a .read file); the next
        // interactive line runs again.
        bailed = false
        interruptedRead = nil
        readLines = 0
        readBudgetSpent = false
        readLimitReported = false
        topFile = location.file
        topLine = location.line
        if options.echo { echo(line) }
        run(line: line, location: location)
        sink.commandFinished()
    }

    /// Runs a whole script given as text, then ``finish()``.
    public func runScript(text: String, file: String) {
        runScript(bytes: Array(text.utf8), file: file)
    }

    /// Runs a whole script given as bytes (CRLF accepted, invalid UTF-8 reported per line),
    /// then ``finish()``.
    public func runScript(bytes: [UInt8], file: String) {
        if finished { restart() }
        topFile = file
        readLines = 0
        readBudgetSpent = false
        readLimitReported = false
        readStack = ScriptFile.canonicalPath(file).map { [$0] } ?? []
        // Most scripts start on `main`: its thread starts while the first lines are parsed.
        // (Should the system refuse it now, the first command on main reports that.)
        if !bytes.isEmpty { _ = workers["main"]?.start() }
        runLines(bytes: bytes, file: file, topLevel: true)
        readStack = []
        finish()
    }

    /// The end of a script: reports every thread still blocked (DEADLOCK) and every allocation
    /// never freed (POOL_LEAK), then releases the blocked waits internally and joins the threads.
    /// Handles stay describable afterwards; the next ``execute(line:location:)`` starts afresh.
    public func finish() {
        guard !finished else { return }
        reportUnterminatedPar()
        topLine = nil
        reportDeadlocks()
        reportLeaks()
        finalDescriptions = handleOrder.map { (name: $0, line: describe(handle: $0)) }
        shutdownThreads()
        sink.commandFinished()
        sink.flush()
        finished = true
    }

    /// True between `.par` and `.end` (the REPL shows a continuation prompt).
    public var isCollectingBlock: Bool { parCollector != nil }

    /// Names of the handles, in creation order (for completion).
    public var handleNames: [String] { handleOrder }

    /// Names of the threads, in creation order (for completion).
    public var threadNames: [String] { workerOrder.map(\.name) }

    /// The `.show` line of a handle, or `nil` when the name is unknown.
    public func describe(handle name: String) -> String? {
        if finished, let line = finalDescriptions?.first(where: { $0.name == name })?.line { return line }
        guard let handle = handles[name] else { return nil }
        return showLine(handle)
    }

    // MARK: - Lines

    /// Runs the lines of `bytes` one at a time (never all of them decoded at once). Lines of
    /// `.read` files count against ``SessionOptions/maxReadLines``; when the budget is spent the
    /// remaining lines of every `.read` file are skipped and the `.read` reports it.
    func runLines(bytes: [UInt8], file: String, topLevel: Bool) {
        if let problem = SourceText.fileProblem(of: bytes, file: file) {
            // A binary file has no lines, only its diagnostic.
            report(problem, sourceText: nil)
            return
        }
        bytes.withUnsafeBufferPointer { buffer in
            var cursor = SourceText.LineCursor(buffer)
            // A line a run of lane lines read ahead, and what the line cache had for it.
            var ahead: LineAhead?
            while true {
                let content: UnsafeBufferPointer<UInt8>
                let number: Int
                var readAhead: CompiledLine??
                if let line = ahead {
                    (content, number, readAhead) = (line.content, line.number, line.cached)
                    ahead = nil
                } else if let next = cursor.next() {
                    (content, number) = (next, cursor.number)
                } else {
                    break
                }
                if shouldStop { break }
                if !topLevel {
                    if interruptedRead != nil { break }
                    if let interruptRequested, interruptRequested() {
                        interruptedRead = (file, number)
                        break
                    }
                }
                // A call line run before is neither decoded, checked nor parsed again.
                let cached = readAhead ?? lineCache.lookup(content)
                if topLevel {
                    topLine = number
                    if options.echo { echo(cached?.text ?? String(decoding: content, as: UTF8.self)) }
                    if let cached, cached.lane != nil, !options.echo {
                        // It and the lane lines after it, each while the thread runs the one before.
                        ahead = runLaneLines(from: cached, number: number, cursor: &cursor, file: file)
                        continue
                    }
                } else {
                    if readLines >= options.maxReadLines {
                        readBudgetSpent = true
                        break
                    }
                    readLines += 1
                }
                let location = SourceLocation(file: file, line: number)
                if let cached {
                    run(cached, location: location)
                } else {
                    let line = SourceText.line(content: content, number: number, file: file)
                    if let problem = line.diagnostic {
                        report(problem, sourceText: line.text)
                    } else {
                        run(line: line.text, bytes: content, location: location)
                    }
                }
                if topLevel { sink.commandFinished() }
            }
        }
    }

    func run(line: String, location: SourceLocation) {
        var text = line
        text.withUTF8 { bytes in
            if let cached = lineCache.lookup(bytes) {
                run(cached, location: location)
            } else {
                run(line: line, bytes: bytes, location: location)
            }
        }
    }

    /// Runs a call line seen before (`location`: its file and line).
    func run(_ cached: CompiledLine, location: SourceLocation) {
        lineSerial &+= 1
        if shouldStop { return }
        if parCollector != nil {
            collectParLine(cached.text, location: location)
            return
        }
        runCall(cached, at: location)
    }

    /// Runs a line not in the cache (`bytes`: its UTF-8); a call line is kept there.
    private func run(line: String, bytes: UnsafeBufferPointer<UInt8>, location: SourceLocation) {
        lineSerial &+= 1
        if shouldStop { return }
        if parCollector != nil {
            collectParLine(line, location: location)
            return
        }
        let (parsed, compiled) = lineCache.parse(text: line, bytes: bytes, location: location)
        if let compiled {
            runCall(compiled, at: location)
            return
        }
        switch parsed {
        case .failure(let diagnostic):
            report(diagnostic, sourceText: line)
            let words = line.trimmed.split(separator: " ", maxSplits: 1)
            if words.first == ".par" {
                // A bad .par still opens its block, so the threads' lines do not run one by one.
                let collector = ParCollector(location: location.at(column: 1), options: ParOptions())
                collector.failed = true
                parCollector = collector
            }
        case .success(let statement):
            switch statement {
            case .empty:
                break
            case .call(let call):
                runCall(call, location: call.location, sourceText: line)
            case .declare(let name, let runDown, let declared):
                declare(name: name, runDown: runDown, location: declared, sourceText: line)
            case .directive(let directive):
                runDirective(directive, sourceText: line)
            }
        }
    }

    // MARK: - Transcript

    @inline(__always) func output(_ text: String) {
        if parCapture != nil { return }
        sink.emitOutput(text, sourceLine: topLine, file: topFile)
    }

    func echo(_ line: String) {
        // Expectation lines are not echoed: `--echo` output is a fresh test file.
        var trimmed = Substring(line)
        while let first = trimmed.first, first == " " || first == "\t" { trimmed = trimmed.dropFirst() }
        if trimmed.hasPrefix("#>") || trimmed.hasPrefix("#!") { return }
        sink.emit(TranscriptEntry(kind: .input, text: line, sourceLine: topLine, file: topFile))
    }

    /// Emits a diagnostic (headline, then notes) and counts it.
    func report(_ diagnostic: Diagnostic, sourceText: String?) {
        if let capture = parCapture {
            capture.diagnostics.insert(
                ParDiagnostic(code: diagnostic.code, line: diagnostic.location?.line ?? 0))
            return
        }
        let severity = diagnostic.severity
        if severity == .error { errorCount += 1 } else { warningCount += 1 }
        sink.emit(
            TranscriptEntry(
                kind: .diagnostic(severity), text: diagnostic.headline, sourceLine: topLine, file: topFile,
                diagnostic: diagnostic, sourceText: sourceText))
        for note in diagnostic.notes {
            sink.emit(
                TranscriptEntry(
                    kind: .diagnostic(severity), text: "note: " + note, sourceLine: topLine, file: topFile))
        }
        if severity == .error && options.bail { bailed = true }
    }

    // MARK: - Threads

    /// The worker named `name`, created (not yet started) when missing.
    func worker(named name: String) -> Worker {
        if let existing = workers[name] { return existing }
        let created = Worker(name: name, ordinal: workerOrder.count, gate: gate)
        workers[name] = created
        workerOrder.append(created)
        let lowered = name.lowercased()
        if workersByLowercasedName[lowered] == nil { workersByLowercasedName[lowered] = created }
        return created
    }

    var watchdogNanoseconds: UInt64 {
        let seconds = max(0.001, options.watchdogSeconds)
        return UInt64(seconds * 1_000_000_000)
    }

    /// Releases every blocked wait internally, gives up on hung threads, joins the rest.
    func shutdownThreads() {
        for worker in workerOrder where worker.status == .blocked {
            forceRelease(worker)
        }
        if gate.runningCount != 0 { _ = gate.awaitSettled(timeoutNanoseconds: watchdogNanoseconds) }
        _ = observer.takeWoken()
        var stopping: [Worker] = []
        for worker in workerOrder {
            switch worker.status {
            case .idle:
                worker.requestStop()
                stopping.append(worker)
            case .running, .handedOver, .blocked, .hung, .paused:
                // Its Worker keeps the call; the call must keep the object it may still use.
                worker.current?.holdObject()
                worker.markHung()
                worker.abandon()
                gaveUpOnThreads = true
            }
            worker.current = nil
        }
        for worker in stopping { worker.awaitStopped() }
    }

    /// Releases what the blocked waiter of `worker` waits for, so its wait returns.
    func forceRelease(_ worker: Worker) {
        guard let call = worker.current else { return }
        if let ref = call.object as? RundownRef {
            let outstanding = ref.snapshot().holders
            if outstanding > 0 { try? ref.release(count: UInt32(clamping: outstanding)) }
        } else if let ref = call.object as? CacheAwareRundownRef {
            let outstanding = ref.checkedSnapshot().holders
            if outstanding > 0 { try? ref.release(processor: 0, count: UInt32(clamping: outstanding)) }
        }
    }

    /// Starts over: every handle, thread, allocation and counter forgotten (`.reset`, or an
    /// ``execute(line:location:)`` after ``finish()``).
    func restart() {
        shutdownThreads()
        handles.removeAll()
        handleOrder.removeAll()
        workers.removeAll()
        workerOrder.removeAll()
        workersByLowercasedName.removeAll()
        allocations.removeAll()
        allocationOf.removeAll()
        pool = RundownPool()
        finalDescriptions = nil
        parCollector = nil
        parCapture = nil
        observer.setExploring(false)
        finished = false
        bailed = false
        _ = worker(named: "main")
    }
}

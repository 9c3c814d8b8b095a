import RundownScript
import Testing

@_spi(Testing) @testable import RundownRuntime

/// The lane (``Session/runLane(_:_:at:)`` and ``Session/runLaneLines(from:number:cursor:file:)``)
/// runs plain acquires and releases seen before without the general path's checks, and reads
/// the next line while the thread runs the one before. It must change nothing a user can see:
/// every transcript is the one the general path prints, entry for entry, with the same
/// locations, and each case also says how many commands took the lane, so a lane that stopped
/// being taken fails too.
@Suite(.timeLimit(.minutes(3))) struct LaneTests {
    /// Everything a user or `rdsh test` sees of an entry.
    static func rendered(_ entry: TranscriptEntry) -> String {
        var text = "\(entry.kind) \(entry.file):\(entry.sourceLine.map(String.init) ?? "-") \(entry.text)"
        if let diagnostic = entry.diagnostic {
            let at = diagnostic.location.map { "\($0.file):\($0.line):\($0.column)" } ?? "-"
            text += " @\(at)+\(diagnostic.length)"
        }
        if let source = entry.sourceText { text += " | " + source }
        return text
    }

    enum Mode: CaseIterable {
        /// The general path only.
        case general
        /// Lanes on.
        case lanes
        /// Lanes on, every lane call finished by the general path.
        case slowFinish
    }

    /// `script` run as a file, in a fresh session in `mode`: the rendered transcript followed
    /// by each handle's ledger, the error and warning counts, and the commands that took the
    /// lane.
    static func run(_ script: String, _ mode: Mode, lineByLine: Bool = false) -> (
        transcript: [String], errors: Int, warnings: Int, lanes: Int
    ) {
        let sink = CapturingSink()
        let session = Session(options: SessionOptions(watchdogSeconds: 5), sink: sink)
        session.lanesEnabled = mode != .general
        session.lanesFinishSlowly = mode == .slowFinish
        if lineByLine {
            for (index, line) in script.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            {
                session.execute(
                    line: String(line), location: SourceLocation(file: "lane.rdsh", line: index + 1))
                if session.shouldExit { break }
            }
            session.finish()
        } else {
            session.runScript(text: script, file: "lane.rdsh")
        }
        // And the ledgers at the end: who holds what on each handle, by thread and call.
        let ledgers = session.handleOrder.compactMap { name in
            session.handles[name].map { "ledger \(name): \($0.ledger.total) \($0.ledger.describe())" }
        }
        return (
            sink.entries.map(rendered) + ledgers, session.errorCount, session.warningCount,
            session.laneCommands
        )
    }

    /// Runs `script` in every mode: the transcripts must be the general path's; returns the
    /// lane commands of the lane mode.
    @discardableResult
    static func expectSameInEveryMode(
        _ script: String, lineByLine: Bool = false, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> Int {
        let general = run(script, .general, lineByLine: lineByLine)
        let lanes = run(script, .lanes, lineByLine: lineByLine)
        let slow = run(script, .slowFinish, lineByLine: lineByLine)
        #expect(general.lanes == 0, sourceLocation: sourceLocation)
        #expect(slow.lanes == lanes.lanes, sourceLocation: sourceLocation)
        for other in [lanes, slow] {
            #expect(other.transcript == general.transcript, "\(script)", sourceLocation: sourceLocation)
            #expect(
                other.errors == general.errors && other.warnings == general.warnings,
                sourceLocation: sourceLocation)
        }
        return lanes.lanes
    }

    /// A plain reference and two acquire/release pairs: the second pair takes the lane.
    static let twoPairs = """
        ExInitializeRundownProtection R
        ExAcquireRundownProtection R
        ExReleaseRundownProtection R
        ExAcquireRundownProtection R
        ExReleaseRundownProtection R
        """

    @Test func repeatedAcquiresAndReleasesTakeTheLane() {
        let script = """
            \(Self.twoPairs)
            ExAcquireRundownProtectionEx R 3
            ExAcquireRundownProtectionEx R 3
            ExReleaseRundownProtectionEx R 3
            ExReleaseRundownProtectionEx R 3
            ExReleaseRundownProtection R
            ExReleaseRundownProtection R
            .show R
            """
        // The first of each line finds its names (general path); the second acquire and
        // release, the second AcquireEx and the second ReleaseEx take the lane. The release
        // over the count is left to the general path, which refuses it, and so is the release
        // after that (a refused call leaves no word).
        let (lines, session, _) = transcript(script)
        #expect(codes(lines) == ["RELEASE_WITHOUT_ACQUIRE", "RELEASE_WITHOUT_ACQUIRE"])
        #expect(session.laneCommands == 4)
        #expect(Self.expectSameInEveryMode(script) == 4)
    }

    /// A run of lane lines reads each next line ahead: whatever that line is, it runs after the
    /// lane call completes and is reported where the general path reports it.
    @Test func whatFollowsALaneLineRunsAsItWould() {
        let followers = [
            ".show R", "# comment", "", ".echo on", ".bail on", ".exit", "ExReleaseRundownProtection Q",
            "ExAcquireRundownProtection   R", "ok = ExAcquireRundownProtection R",
            "T: ExAcquireRundownProtection R",
            "ExWaitForRundownProtectionRelease R", ".par", "ExInitializeRundownProtection R", "\u{FF}bad",
            "ExReleaseRundownProtectionEx R 9", ".threads", ".reset",
        ]
        var lanes = 0
        for follower in followers {
            let script = """
                ExInitializeRundownProtection R
                ExAcquireRundownProtection R
                ExReleaseRundownProtection R
                ExAcquireRundownProtection R
                \(follower)
                ExReleaseRundownProtection R
                ExAcquireRundownProtection R
                ExReleaseRundownProtection R
                """
            lanes += Self.expectSameInEveryMode(script)
        }
        #expect(lanes >= followers.count)
    }

    /// Lines given one at a time (the REPL, `rdsh run -`) take the lane without reading ahead.
    @Test func linesGivenOneAtATimeTakeTheLaneToo() {
        let script = Self.twoPairs + "\nExReleaseRundownProtection R"
        #expect(Self.expectSameInEveryMode(script, lineByLine: true) == 2)
    }

    /// Where the general path would check something the lane does not, the lane is not taken:
    /// a handle rebound to another kind of object, a waiter on the object, a new name.
    @Test func theLaneStepsAsideWhenAnythingChanged() {
        let script = """
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            ExReleaseRundownProtection R
            R = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'Lane'
            ExAcquireRundownProtection R
            ExInitializeRundownProtection S
            ExAcquireRundownProtection S
            ExAcquireRundownProtection S
            .irql main DISPATCH_LEVEL
            ExAcquireRundownProtection S
            .irql main PASSIVE_LEVEL
            W: ExWaitForRundownProtectionRelease S
            ExReleaseRundownProtection S
            ExReleaseRundownProtection S
            ExReleaseRundownProtection S
            ExAcquireRundownProtection S
            """
        let (lines, session, _) = transcript(script)
        #expect(codes(lines) == ["HANDLE_REBOUND", "WRONG_KIND", "POOL_LEAK"], "\(lines)")
        #expect(lines.contains("[W] returned from ExWaitForRundownProtectionRelease S"))
        // The second and third acquires of S (the third at DISPATCH_LEVEL, which the routine
        // allows). The rebound R is cache-aware; the releases see a waiter; the last acquire
        // comes after a new thread's name.
        #expect(session.laneCommands == 2)
        Self.expectSameInEveryMode(script)
    }

    /// A lane call that does not settle in time (here: a thread counted as running that never
    /// settles, as a release that woke a waiter would leave) is settled and reported by the
    /// general path, as the general path's own call would be.
    @Test func aLaneCallThatDoesNotSettleIsReportedByTheGeneralPath() {
        func run(lanes: Bool) -> (transcript: [String], lanes: Int) {
            let sink = CapturingSink()
            let session = Session(options: SessionOptions(watchdogSeconds: 5), sink: sink)
            session.lanesEnabled = lanes
            let lines = [
                "ExInitializeRundownProtection R", "ExAcquireRundownProtection R",
                "ExReleaseRundownProtection R",
                "ExAcquireRundownProtection R", "ExReleaseRundownProtection R",
                "ExAcquireRundownProtection R",
            ]
            for (index, line) in lines.enumerated() {
                if index == 5 {
                    // Only this line waits out a short watchdog (a busy machine may be slow).
                    session.options.watchdogSeconds = 0.2
                    session.gate.enter()
                }
                session.execute(line: line, location: SourceLocation(file: "lane.rdsh", line: index + 1))
            }
            session.gate.leave()
            let lanes = session.laneCommands
            #expect(session.gaveUpOnThreads)
            session.finish()
            return (sink.entries.map(Self.rendered), lanes)
        }
        let general = run(lanes: false)
        let lane = run(lanes: true)
        #expect(lane.transcript == general.transcript)
        #expect(lane.transcript.last == "output lane.rdsh:6 TRUE", "\(lane.transcript)")
        // The second acquire and release, and the last acquire, which then did not settle.
        #expect(lane.lanes == 3)
    }

    /// Random scripts: all 19 routines on several threads, misuse included, directives,
    /// comments and `.par` blocks between runs of repeated lines. Every mode prints the same.
    @Test func randomScriptsPrintTheSameInEveryMode() {
        var rng = AccountingPropertyTests.Random(state: 0x1A4E_0001)
        let repeated = [
            "ExAcquireRundownProtection R", "ExReleaseRundownProtection R",
            "ExAcquireRundownProtectionEx R 2",
            "ExReleaseRundownProtectionEx R 2", "A: ExAcquireRundownProtection R",
            "A: ExReleaseRundownProtection R",
            "ExAcquireRundownProtection S", "ExReleaseRundownProtection S",
        ]
        let between = [
            ".show R", "# note", "", ".threads", "ok = ExAcquireRundownProtection R",
            "if ok ExReleaseRundownProtection R",
            ".par\nA: ExAcquireRundownProtection R\nB: ExReleaseRundownProtection R\n.end", ".echo on",
            ".echo off",
        ]
        var lanes = 0
        var differences = 0
        for index in 0..<300 {
            var lines = AccountingPropertyTests.script(&rng)
            for _ in 0..<(20 + rng.below(40)) {
                switch rng.below(10) {
                case 0..<6: lines.append(rng.pick(repeated))
                case 6..<8: lines.append(AccountingPropertyTests.line(&rng))
                default: lines.append(rng.pick(between))
                }
            }
            let script = lines.joined(separator: "\n")
            let general = Self.run(script, .general)
            for mode in [Mode.lanes, .slowFinish] {
                let other = Self.run(script, mode)
                if other.transcript != general.transcript || other.errors != general.errors {
                    differences += 1
                    let first = zip(general.transcript, other.transcript).first { $0 != $1 }
                    Issue.record(
                        "script \(index), \(mode): \(first.map { "\($0.0)\n  vs \($0.1)" } ?? "lengths")\n\(script)"
                    )
                }
                if mode == .lanes { lanes += other.lanes }
            }
            if differences >= 3 { break }
        }
        #expect(lanes > 1_500, "\(lanes)")
    }
}

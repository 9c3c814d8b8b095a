import Glibc
import RundownRuntime
import RundownScript
import Testing

/// The terminal and test-format renderings of a transcript, and `.help`.
@Suite(.timeLimit(.minutes(1))) struct SinkAndHelpTests {
    /// Runs `script` into `makeSink(stdoutFD, stderrFD)` and returns what each descriptor got.
    func render(_ script: String, echo: Bool = false, _ makeSink: (Int32, Int32) -> any TranscriptSink) -> (
        out: String, err: String
    ) {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        pipe(&outPipe)
        pipe(&errPipe)
        do {
            let sink = makeSink(outPipe[1], errPipe[1])
            let session = Session(options: SessionOptions(echo: echo), sink: sink)
            session.runScript(text: script, file: "s.rdsh")
        }
        close(outPipe[1])
        close(errPipe[1])
        func drain(_ fd: Int32) -> String {
            guard case .success(let bytes) = ScriptFile.readAll(fd) else { return "" }
            close(fd)
            return String(decoding: bytes, as: UTF8.self)
        }
        return (drain(outPipe[0]), drain(errPipe[0]))
    }

    @Test func terminalSinkSplitsOutputAndDiagnostics() {
        let (out, err) = render(
            """
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            ExRundownCompleted R
            """
        ) { TerminalSink(colour: false, output: $0, error: $1) }
        #expect(out == "TRUE\n")
        let lines = err.split(separator: "\n").map(String.init)
        #expect(
            lines[0]
                == "s.rdsh:3:20: error[COMPLETED_WITHOUT_WAIT]: R is live (1 holder): ExRundownCompleted must follow a wait"
        )
        #expect(lines[1] == "    ExRundownCompleted R")
        #expect(lines[2] == "                       ^")
        #expect(lines.dropFirst(3).allSatisfy { $0.hasPrefix("note: ") })
    }

    /// Output lines reach a sink through `emitOutput`, diagnostics through `emit`: the
    /// discarding sink (the bench's) counts every entry a capturing sink receives.
    @Test func discardingSinkCountsWhatACapturingSinkGets() {
        let script = """
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            ExAcquireRundownProtection R
            ExReleaseRundownProtection R
            ExReleaseRundownProtection R
            ExReleaseRundownProtection R
            .show R
            """
        let discarding = DiscardingSink()
        Session(options: SessionOptions(watchdogSeconds: 5), sink: discarding).runScript(
            text: script, file: "s.rdsh")
        let capturing = CapturingSink()
        Session(options: SessionOptions(watchdogSeconds: 5), sink: capturing).runScript(
            text: script, file: "s.rdsh")
        #expect(capturing.outputLines == ["TRUE", "TRUE", "R: state=live holders=0"])
        #expect(discarding.count == capturing.entries.count)
    }

    @Test func testFormatSinkWritesAScript() {
        let (out, err) = render(
            """
            # prose
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            #> old
            ExReleaseRundownProtectionEx R 2
            """, echo: true
        ) { out, _ in TestFormatSink(output: out) }
        #expect(err == "")
        let lines = out.split(separator: "\n").map(String.init)
        #expect(
            Array(lines.prefix(4)) == [
                "# prose", "ExInitializeRundownProtection R", "ExAcquireRundownProtection R", "#> TRUE",
            ])
        #expect(lines[4] == "ExReleaseRundownProtectionEx R 2")
        #expect(lines[5].hasPrefix("#! error[RELEASE_WITHOUT_ACQUIRE]: "))
    }

    @Test func helpOverviewListsEveryRoutineAndDirective() {
        let text = HelpText.overview().joined(separator: "\n")
        for routine in RoutineCatalogue.all { #expect(text.contains(routine.name)) }
        for directive in DirectiveCatalogue.all { #expect(text.contains(directive.name)) }
    }

    @Test func helpInAScriptIsHelpText() {
        let (lines, _, _) = transcript(".help ExAcquireRundownProtectionEx\n.help .read\n.help deadlock\n")
        let expected =
            HelpText.lines(for: "ExAcquireRundownProtectionEx")! + HelpText.lines(for: ".read")!
            + HelpText.lines(for: "DEADLOCK")!
        #expect(lines == expected)
        #expect(lines.contains { $0.contains("IRQL: <= DISPATCH_LEVEL") })
        #expect(lines.contains { $0.hasPrefix("DEADLOCK (error):") })
    }
}

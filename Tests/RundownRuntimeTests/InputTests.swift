import RundownRuntime
import RundownScript
import Testing

/// Bad input never crashes or hangs: each gets a diagnostic with a stable code.
@Suite(.timeLimit(.minutes(1))) struct InputTests {
    func run(bytes: [UInt8]) -> [String] {
        let sink = CapturingSink()
        let session = Session(options: SessionOptions(watchdogSeconds: 5), sink: sink)
        session.runScript(bytes: bytes, file: "input.rdsh")
        return sink.lines
    }

    @Test func invalidUTF8LineIsReportedAndTheRestRuns() {
        var bytes = Array("ExInitializeRundownProtection R\n".utf8)
        bytes += [0x45, 0x78, 0xFF, 0x0A]
        bytes += Array("ExAcquireRundownProtection R\n".utf8)
        let lines = run(bytes: bytes)
        #expect(codes(lines) == ["ENCODING"])
        #expect(lines.last == "TRUE")
    }

    @Test func crlfIsAccepted() {
        let lines = run(
            bytes: Array("ExInitializeRundownProtection R\r\nExAcquireRundownProtection R\r\n".utf8))
        #expect(lines == ["TRUE"])
    }

    @Test func binaryFileIsOneDiagnostic() {
        let lines = run(bytes: [0x7F, 0x45, 0x4C, 0x46, 0x00, 0x01, 0x0A, 0x00])
        #expect(codes(lines) == ["ENCODING"])
    }

    @Test func emptyFileIsFine() {
        #expect(run(bytes: []).isEmpty)
    }

    @Test func veryLongLineIsRefused() {
        let lines = run(
            bytes: Array(
                ("ExInitializeRundownProtection " + String(repeating: "R", count: 10000) + "\n").utf8))
        #expect(codes(lines) == ["LINE_TOO_LONG"])
    }

    @Test func unterminatedQuoteIsASyntaxError() {
        let lines = run(bytes: Array("C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg\n".utf8))
        #expect(codes(lines).count == 1)
        #expect(!lines.contains { $0.hasPrefix("warning[POOL_LEAK]") })
    }

    @Test func bailStopsAtTheFirstError() {
        let sink = CapturingSink()
        let session = Session(options: SessionOptions(bail: true), sink: sink)
        session.runScript(
            text: """
                ExInitializeRundownProtection R
                ExReleaseRundownProtection R
                ExAcquireRundownProtection R
                """, file: "bail.rdsh")
        #expect(codes(sink.lines) == ["RELEASE_WITHOUT_ACQUIRE"])
        #expect(!sink.lines.contains("TRUE"))
    }

    @Test func exitStopsTheScriptButReportsStillRun() {
        let (lines, session, _) = transcript(
            """
            C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'
            .exit
            ExAcquireRundownProtectionCacheAware C
            """)
        #expect(session.shouldExit)
        #expect(!lines.contains("TRUE"))
        #expect(codes(lines) == ["POOL_LEAK"])
    }

    @Test func entriesAreTaggedWithTheirTopLevelLine() {
        let (_, _, sink) = transcript(
            """
            ExInitializeRundownProtection R
            # a comment
            ExAcquireRundownProtection R
            ExReleaseRundownProtectionEx R 5
            A: ExAcquireRundownProtection R
            W: ExWaitForRundownProtectionRelease R
            """)
        #expect(sink.entries.first { $0.text == "TRUE" }?.sourceLine == 3)
        #expect(sink.entries.first { $0.text.hasPrefix("error[RELEASE") }?.sourceLine == 4)
        #expect(sink.entries.first { $0.text.hasPrefix("[W] blocked") }?.sourceLine == 6)
        #expect(sink.entries.first { $0.text.hasPrefix("error[DEADLOCK]") }?.sourceLine == nil)
        #expect(sink.entries.allSatisfy { $0.file == "test.rdsh" })
    }

    @Test func echoEmitsInputEntriesButNotExpectations() {
        let sink = CapturingSink()
        let session = Session(options: SessionOptions(echo: true), sink: sink)
        session.runScript(
            text: """
                # prose
                ExInitializeRundownProtection R
                ExAcquireRundownProtection R
                #> TRUE
                """, file: "echo.rdsh")
        #expect(sink.entries.map(\.kind) == [.input, .input, .input, .output])
        #expect(
            sink.lines == [
                "# prose", "ExInitializeRundownProtection R", "ExAcquireRundownProtection R", "TRUE",
            ])
    }
}

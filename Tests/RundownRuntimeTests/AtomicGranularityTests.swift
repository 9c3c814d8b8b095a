@_spi(Testing) import RundownRuntime
import RundownScript
import Testing

/// `.par granularity=atomic`: every atomic operation of the library is a step, so exploration
/// checks the implementation itself. The old redirect bug, brought back through the test seam,
/// must show up as a hung waiter with a witness; the fixed library must never hang.
@Suite(.serialized) struct AtomicGranularityTests {
    static let reinitVersusRedirectedRelease = reinitVersusRedirectedRelease(par: ".par granularity=atomic")

    static func reinitVersusRedirectedRelease(par: String) -> String {
        """
        .processors 2
        C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'Sc03'
        ExWaitForRundownProtectionReleaseCacheAware C
        .cpu A 0
        \(par)
        M: ExReInitializeRundownProtectionCacheAware C
        M: ExWaitForRundownProtectionReleaseCacheAware C
        A: ok = ExAcquireRundownProtectionCacheAware C
        .cpu A 1
        A: if ok ExReleaseRundownProtectionCacheAware C
        .end
        """
    }

    func explore(_ text: String, reintroduceBug: Bool = false) -> [ParReport] {
        let session = Session(options: SessionOptions(watchdogSeconds: 10), sink: CapturingSink())
        session.reintroducesRedirectBug = reintroduceBug
        session.runScript(text: text, file: "selfcheck.rdsh")
        return session.lastParReports
    }

    @Test(.timeLimit(.minutes(1))) func theFixedLibraryNeverLeavesTheWaiterBlocked() throws {
        let report = try #require(explore(Self.reinitVersusRedirectedRelease).first)
        #expect(report.exhaustive)
        #expect(report.preemptionBound == 2)
        #expect(report.json.contains("\"granularity\":\"atomic\",\"preemptions\":2"))
        #expect(report.entries.allSatisfy { $0.outcome.blocked.isEmpty && $0.outcome.diagnostics.isEmpty })
    }

    @Test(.timeLimit(.minutes(1))) func theOldRedirectBugIsFoundWithAWitness() throws {
        let report = try #require(explore(Self.reinitVersusRedirectedRelease, reintroduceBug: true).first)
        let hung = report.entries.filter { $0.outcome.blocked == ["M"] }
        #expect(!hung.isEmpty)
        #expect(
            hung.contains { entry in
                entry.outcome.diagnostics.contains { $0.code == "RELEASE_AFTER_RUNDOWN" }
                    && !entry.witness.isEmpty
            })
    }

    @Test(.timeLimit(.minutes(1))) func theBugsWitnessReplaysToTheHang() throws {
        let report = try #require(explore(Self.reinitVersusRedirectedRelease, reintroduceBug: true).first)
        let witness = try #require(report.entries.first { $0.outcome.blocked == ["M"] }?.witness)
        let sink = CapturingSink()
        let session = Session(options: SessionOptions(watchdogSeconds: 10), sink: sink)
        session.reintroducesRedirectBug = true
        session.runScript(
            text: Self.reinitVersusRedirectedRelease(par: ".par granularity=atomic schedule=\"\(witness)\""),
            file: "selfcheck.rdsh")
        let text = sink.lines.joined(separator: "\n")
        #expect(text.contains("[M] blocked in ExWaitForRundownProtectionReleaseCacheAware C"))
        #expect(text.contains("error[RELEASE_AFTER_RUNDOWN]"))
        #expect(text.contains(": load slot 0"))
    }

    @Test(.timeLimit(.minutes(1))) func zeroPreemptionsStillExploresEveryOrderOfCalls() throws {
        let text = """
            ExInitializeRundownProtection R
            .par granularity=atomic preemptions=0
            A: ok = ExAcquireRundownProtection R
            A: if ok ExReleaseRundownProtection R
            W: ExWaitForRundownProtectionRelease R
            .end
            """
        let report = try #require(explore(text).first)
        #expect(report.preemptionBound == 0)
        // The three outcomes of the call-level race: completed, stale (blocked wait) and a failed acquire.
        #expect(report.entries.count == 3)
    }
}

import Glibc
import RundownRuntime
import RundownScript
import Testing

/// `.par` blocks explored on the real threads: the reduction loses nothing, witnesses replay,
/// the output is deterministic, and a block too big for its budget says so.
@Suite(.serialized) struct ParExplorationTests {
    static var scriptsDirectory: String {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast(3)  // Tests/RundownRuntimeTests/ParExplorationTests.swift
        return (parts + ["scripts"]).joined(separator: "/")
    }

    /// Every script under scripts/ (recursively) that contains a `.par` block.
    static func raceScripts() -> [(path: String, text: String)] {
        var found: [(String, String)] = []
        func walk(_ directory: String) {
            guard let handle = opendir(directory) else { return }
            defer { closedir(handle) }
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                names.append(name)
            }
            for name in names.sorted() {
                let path = directory + "/" + name
                if name.hasSuffix(".rdsh") {
                    if case .success(let bytes) = ScriptFile.read(path) {
                        let text = String(decoding: bytes, as: UTF8.self)
                        if text.split(separator: "\n").contains(where: { $0.hasPrefix(".par") }) {
                            found.append((path, text))
                        }
                    }
                } else if !name.contains(".") {
                    walk(path)
                }
            }
        }
        walk(scriptsDirectory)
        return found
    }

    func explore(_ text: String, reduction: Bool = true) -> (lines: [String], reports: [ParReport]) {
        let sink = CapturingSink()
        let session = Session(options: SessionOptions(watchdogSeconds: 10), sink: sink)
        session.parReduction = reduction
        session.runScript(text: text, file: "race.rdsh")
        return (sink.lines, session.lastParReports)
    }

    @Test(.timeLimit(.minutes(1))) func theRaceLibraryIsThere() {
        let races = Self.raceScripts().filter { $0.path.contains("/races/") }
        #expect(races.count >= 14)
    }

    @Test(.timeLimit(.minutes(1))) func reductionLosesNoOutcomeOnAnyRaceScript() {
        let scripts = Self.raceScripts()
        #expect(!scripts.isEmpty)
        for (path, text) in scripts {
            let reduced = explore(text, reduction: true)
            let full = explore(text, reduction: false)
            #expect(reduced.reports.count == full.reports.count, "\(path)")
            for (a, b) in zip(reduced.reports, full.reports) {
                #expect(
                    Set(a.entries.map(\.outcome.summary)) == Set(b.entries.map(\.outcome.summary)), "\(path)")
                // The state cache keeps counts and witnesses: the tables are the same line for line.
                #expect(a.lines == b.lines, "\(path)")
            }
        }
    }

    /// Blocks heavier than the race library: cache-aware steps paused mid-call, waits that block
    /// and are woken, frees in the middle of a teardown, refused calls.
    static let heavierBlocks = [
        """
        .processors 3
        C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RcX1'
        .cpu A 2
        A: ExAcquireRundownProtectionCacheAware C
        .par
        A: ExReleaseRundownProtectionCacheAware C
        W: ExWaitForRundownProtectionReleaseCacheAware C
        W: ExRundownCompletedCacheAware C
        F: ExFreeCacheAwareRundownProtection C
        R: ExReInitializeRundownProtectionCacheAware C
        .end
        """,
        """
        ExInitializeRundownProtection R
        .par
        A: ok = ExAcquireRundownProtectionEx R 2
        A: if ok ExReleaseRundownProtection R
        A: if ok ExReleaseRundownProtection R
        W1: ExWaitForRundownProtectionRelease R
        W1: ExReInitializeRundownProtection R
        W2: ExWaitForRundownProtectionRelease R
        main: ExRundownCompleted R
        .end
        """,
    ]

    @Test(.timeLimit(.minutes(1))) func reductionLosesNoOutcomeOnHeavierBlocks() {
        for text in Self.heavierBlocks {
            let reduced = explore(text, reduction: true)
            let full = explore(text, reduction: false)
            #expect(reduced.lines == full.lines)
            #expect((reduced.reports.first?.entries.count ?? 0) > 10)
            #expect((reduced.reports.first?.run ?? 0) < (full.reports.first?.run ?? 0))
        }
    }

    @Test(.timeLimit(.minutes(1))) func theOutputIsDeterministic() {
        for (path, text) in Self.raceScripts() {
            #expect(explore(text).lines == explore(text).lines, "\(path)")
        }
    }

    /// Each outcome's witness, run with `schedule=`, ends in the outcome's handle states.
    @Test(.timeLimit(.minutes(1))) func everyWitnessReplaysToItsOutcome() {
        for (path, text) in Self.raceScripts() where path.contains("/races/") {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard let open = lines.firstIndex(where: { $0 == ".par" }),
                let close = lines.firstIndex(where: { $0 == ".end" })
            else { continue }
            for report in explore(text).reports {
                for entry in report.entries {
                    var script = Array(lines[..<open])
                    script.append(".par schedule=\"\(entry.witness)\"")
                    script += lines[(open + 1)...close]
                    let sink = CapturingSink()
                    let session = Session(options: SessionOptions(watchdogSeconds: 10), sink: sink)
                    for (number, line) in script.enumerated() {
                        session.execute(
                            line: line, location: SourceLocation(file: "w.rdsh", line: number + 1))
                    }
                    #expect(
                        !sink.lines.contains { $0.contains("BAD_SCHEDULE") },
                        "\(path): \(entry.witness) does not replay")
                    for handle in entry.outcome.handles where handle.state != "none" && handle.state != "NULL"
                    {
                        let shown = session.describe(handle: handle.name) ?? ""
                        #expect(
                            shown.contains("state=\(handle.state) holders=\(handle.holders)"),
                            "\(path): \(entry.witness): \(shown) is not \(handle.state)/\(handle.holders)")
                    }
                    session.finish()
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func aBlockTooBigForItsBudgetSaysSo() {
        var text = "ExInitializeRundownProtection R\n.par budget=200\n"
        for thread in 0..<10 {
            for call in 0..<10 {
                text +=
                    call % 2 == 0
                    ? "T\(thread): ExAcquireRundownProtection R\n"
                    : "T\(thread): ExReleaseRundownProtection R\n"
            }
        }
        text += ".end\n"
        let result = explore(text)
        let header = result.lines.first { $0.hasPrefix("par: ") }
        #expect(
            header?.hasSuffix(" schedules, 1 outcome, not exhaustive (budget 200, seed=1)") == true,
            "\(header ?? "")")
        #expect(result.reports.first?.exhaustive == false)
        // The same seed gives the same table.
        #expect(explore(text).lines == result.lines)
    }

    @Test(.timeLimit(.minutes(1))) func theSessionContinuesInTheCanonicalSchedule() {
        let text = """
            ExInitializeRundownProtection R
            .par
            A: ok = ExAcquireRundownProtection R
            W: ExWaitForRundownProtectionRelease R
            .end
            .show R
            A: ExReleaseRundownProtection R
            """
        let lines = explore(text).lines
        // Canonical: A acquires first, then W's wait blocks on A's reference.
        #expect(lines.contains("R: state=waiting holders=1 waiter=W"))
        #expect(lines.last == "[W] returned from ExWaitForRundownProtectionRelease R")
    }

    @Test(.timeLimit(.minutes(1))) func aDeadlockIsAnOutcome() {
        let text = """
            ExInitializeRundownProtection R1
            ExInitializeRundownProtection R2
            .par
            A: a = ExAcquireRundownProtection R1
            A: ExWaitForRundownProtectionRelease R2
            A: if a ExReleaseRundownProtection R1
            B: b = ExAcquireRundownProtection R2
            B: ExWaitForRundownProtectionRelease R1
            B: if b ExReleaseRundownProtection R2
            .end
            """
        let reports = explore(text).reports
        let blocked = reports.first?.entries.map(\.outcome.blocked) ?? []
        #expect(blocked.contains(["A", "B"]))
        #expect(blocked.contains([]))
    }

    @Test(.timeLimit(.minutes(1))) func guardsOutsideBlocks() {
        let text = """
            ExInitializeRundownProtection R
            ok = ExAcquireRundownProtection R
            if ok ExReleaseRundownProtection R
            if !ok ExReleaseRundownProtection R
            .show R
            if R ExReleaseRundownProtection R
            """
        let lines = explore(text).lines
        #expect(lines.contains("R: state=live holders=0"))
        #expect(lines.contains { $0.hasPrefix("error[BAD_GUARD]") })
        #expect(!lines.contains { $0.contains("RELEASE_WITHOUT_ACQUIRE") })
    }
}

import RundownScript
import Testing

@_spi(Testing) @testable import RundownRuntime

/// Random `.par` blocks from fixed seeds, explored and run free on real threads. Three bugs of
/// the runtime's bookkeeping were found this way (two waits racing; a futex wake that came
/// after the waiter had returned and the object was run down again; a release from an
/// object's earlier life taking a new holder's reference): these keep that class covered.
@Suite("Exploration property: random .par blocks", .serialized, .timeLimit(.minutes(3)))
struct ParPropertyTests {
    typealias Random = AccountingPropertyTests.Random

    /// A legitimate block: each holder gives back exactly what it took (guarded pairs, Ex
    /// counts, references taken before the block, a move to another processor between acquire
    /// and release), and each object has at most one waiter, which may complete the rundown.
    static func legitimate(_ rng: inout Random, granularity: String) -> [String] {
        var lines = [
            ".processors 2", "ExInitializeRundownProtection R",
            "C = ExAllocateCacheAwareRundownProtection NonPagedPool 'Prop'",
        ]
        let objects = rng.pick([["R"], ["C"], ["R", "C"]])
        func acquire(_ object: String, _ n: Int) -> String {
            let ex = n > 1 ? "Ex \(object) \(n)" : " \(object)"
            return object == "R"
                ? "ExAcquireRundownProtection\(ex)" : "ExAcquireRundownProtectionCacheAware\(ex)"
        }
        func release(_ object: String, _ n: Int) -> String {
            let ex = n > 1 ? "Ex \(object) \(n)" : " \(object)"
            return object == "R"
                ? "ExReleaseRundownProtection\(ex)" : "ExReleaseRundownProtectionCacheAware\(ex)"
        }
        var body: [String] = []
        var bindings = 0
        var holders = ["A", "B", "D", "E"]
        for _ in 0..<(1 + rng.below(3)) {
            let holder = holders.remove(at: rng.below(holders.count))
            if rng.below(10) < 4 { lines.append(".cpu \(holder) \(rng.below(2))") }
            for _ in 0..<(1 + rng.below(2)) {
                let object = rng.pick(objects)
                let n = rng.pick([1, 1, 2, 3])
                if rng.below(10) < 4 {
                    lines.append("\(holder): \(acquire(object, n))")
                    body.append("\(holder): \(release(object, n))")
                } else {
                    bindings += 1
                    body.append("\(holder): ok\(bindings) = \(acquire(object, n))")
                    if rng.below(10) < 3 { body.append(".cpu \(holder) \(rng.below(2))") }
                    body.append("\(holder): if ok\(bindings) \(release(object, n))")
                }
            }
        }
        for object in objects where rng.below(20) < 17 {
            let waiter = object == "R" ? "W" : "V"
            let suffix = object == "R" ? "" : "CacheAware"
            body.append("\(waiter): ExWaitForRundownProtectionRelease\(suffix) \(object)")
            if rng.below(2) == 0 { body.append("\(waiter): ExRundownCompleted\(suffix) \(object)") }
        }
        return lines + [".par \(granularity)"] + body + [".end"]
    }

    /// Any routine on R and C, misuse included (two waiters, reinitialize or free while in
    /// use, releases without acquires): the runtime must still account for every thread.
    static func anything(_ rng: inout Random) -> [String] {
        let plain = [
            "ExAcquireRundownProtection R", "ExReleaseRundownProtection R",
            "ExAcquireRundownProtectionEx R 2",
            "ExReleaseRundownProtectionEx R 2", "ExWaitForRundownProtectionRelease R", "ExRundownCompleted R",
            "ExReInitializeRundownProtection R",
        ]
        let cacheAware = [
            "ExAcquireRundownProtectionCacheAware C", "ExReleaseRundownProtectionCacheAware C",
            "ExAcquireRundownProtectionCacheAwareEx C 2", "ExReleaseRundownProtectionCacheAwareEx C 2",
            "ExWaitForRundownProtectionReleaseCacheAware C", "ExRundownCompletedCacheAware C",
            "ExReInitializeRundownProtectionCacheAware C",
        ]
        let routines = rng.pick([plain, cacheAware, plain + cacheAware])
        var lines = [
            "ExInitializeRundownProtection R",
            "C = ExAllocateCacheAwareRundownProtection NonPagedPool 'Prop'",
        ]
        for thread in ["A", "B"] {
            for _ in 0..<rng.below(3) {
                lines.append("\(thread): " + rng.pick(routines.filter { $0.contains("Acquire") }))
            }
        }
        lines.append(
            ".par budget=1500 " + rng.pick(["granularity=atomic", "granularity=atomic preemptions=1", ""]))
        var threads = ["A", "B", "W", "X"]
        for _ in 0..<(2 + rng.below(2)) {
            let thread = threads.remove(at: rng.below(threads.count))
            for _ in 0..<(1 + rng.below(3)) { lines.append("\(thread): " + rng.pick(routines)) }
        }
        return lines + [".end", ".show R", ".show C"]
    }

    /// Runs `lines` (a 2 s watchdog, so that a thread lost track of fails fast) and returns
    /// what is wrong: WATCHDOG, or a why-line whose counts do not add up.
    static func problems(_ lines: [String], stressRuns: Int? = nil) -> (problems: [String], session: Session)
    {
        let sink = CapturingSink()
        let session = Session(options: SessionOptions(watchdogSeconds: 2), sink: sink)
        session.stressRuns = stressRuns
        session.runScript(text: lines.joined(separator: "\n") + "\n", file: "prop.rdsh")
        var found: [String] = []
        for text in sink.lines {
            if text.contains("error[WATCHDOG]") { found.append(text) }
            guard let range = text.firstRange(of: " outstanding on "),
                let colon = text[range.upperBound...].firstRange(of: ": "),
                let stated = text[..<range.lowerBound].split(separator: " ").lazy.compactMap({ Int($0) })
                    .first
            else { continue }
            let sum = Session.whyLineSum(String(text[colon.upperBound...]))
            if sum != stated { found.append("why-line adds up to \(sum), states \(stated): \(text)") }
        }
        return (found, session)
    }

    /// `count` blocks made by `make` from `seed`.
    static func blocks(_ count: Int, seed: UInt64, _ make: (inout Random) -> [String]) -> [[String]] {
        var rng = Random(state: seed)
        return (0..<count).map { _ in make(&rng) }
    }

    /// The first two blocks that `check` finds something wrong with, each with its problems and
    /// its text; empty when there are none.
    static func failures(_ blocks: [[String]], check: ([String]) -> [String]) -> String {
        var failures: [String] = []
        for (index, lines) in blocks.enumerated() where failures.count < 2 {
            let found = check(lines)
            if !found.isEmpty {
                failures.append(
                    "block \(index): \(found.joined(separator: "; "))\n" + lines.joined(separator: "\n"))
            }
        }
        return failures.joined(separator: "\n\n")
    }

    @Test func anyBlockKeepsTrackOfEveryThread() {
        let failures = Self.failures(Self.blocks(40, seed: 0x5EED_0043) { Self.anything(&$0) }) { lines in
            Self.problems(lines).problems
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// The library never refuses a legitimate call under any interleaving: no schedule of a
    /// legitimate block, at either granularity, ends with a diagnostic or a blocked thread.
    @Test func legitimateBlocksEndCleanInEverySchedule() {
        let blocks = Self.blocks(30, seed: 0x5EED_0600) { rng in
            Self.legitimate(&rng, granularity: rng.pick(["budget=100000", "granularity=atomic budget=1500"]))
        }
        let failures = Self.failures(blocks) { lines in
            let (found, session) = Self.problems(lines)
            var problems = found
            for report in session.lastParReports {
                for entry in report.entries
                where !entry.outcome.diagnostics.isEmpty || !entry.outcome.blocked.isEmpty {
                    problems.append("outcome \(entry.outcome.summary); witness \(entry.witness)")
                }
            }
            if session.lastParReports.isEmpty { problems.append("no table") }
            return problems
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Reality against the model: legitimate blocks, explored exhaustively, then run free on
    /// real threads, only ever end in outcomes the exploration allows, and never hang.
    @Test func legitimateBlocksRunFreeOnlyInAllowedOutcomes() {
        let blocks = Self.blocks(25, seed: 0x5EED_2001) {
            Self.legitimate(&$0, granularity: "budget=2000000")
        }
        let failures = Self.failures(blocks) { lines in
            let (found, session) = Self.problems(lines, stressRuns: 2000)
            var problems = found
            for report in session.lastStressReports {
                if report.runs < report.requested {
                    problems.append("\(report.runs) of \(report.requested) runs")
                }
                for entry in report.entries where !entry.allowed {
                    problems.append(
                        "not allowed: \(entry.outcome.summary) (exhaustive: \(report.exhaustive))")
                }
            }
            if session.lastStressReports.isEmpty { problems.append("no stress report") }
            return problems
        }
        #expect(failures.isEmpty, "\(failures)")
    }
}

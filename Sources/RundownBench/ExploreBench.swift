import CRundownSupport
import RundownRuntime
import RundownScript

/// The `.par` exploration section (issue 10, "Speed"): blocks explored on the real threads of a
/// `RundownRuntime.Session` into a ``DiscardingSink``.
///
/// - explore-2x3: a 2-thread x 3-call block explored again and again without the state cache:
///   every schedule runs to its end and its outcome is computed.
/// - explore-3x3: a 3-thread x 3-call block (1 680 raw interleavings), explored exhaustively
///   with the state cache (the default) and without it.
public struct ExploreBench: BenchSection {
    public let name = "explore"
    public let title = ".par blocks explored on real threads"

    public init() {}

    /// Net zero references per block, so every block starts from the same state.
    static let twoByThree = """
        A: ExAcquireRundownProtectionEx R 2
        A: ExReleaseRundownProtection R
        A: ExReleaseRundownProtection R
        B: ExAcquireRundownProtectionEx R 2
        B: ExReleaseRundownProtection R
        B: ExReleaseRundownProtection R
        """

    static let threeByThree = """
        A: ExAcquireRundownProtection R
        A: ExReleaseRundownProtection R
        A: ExAcquireRundownProtection S
        B: ExAcquireRundownProtection S
        B: ExReleaseRundownProtection S
        B: ExAcquireRundownProtection R
        C: ExAcquireRundownProtection R
        C: ExReleaseRundownProtection R
        C: ExAcquireRundownProtection R
        """

    /// Runs `blocks` copies of `body` as `.par` blocks in one session; returns nanoseconds,
    /// the schedules represented, the schedules actually run, and whether every block was
    /// exhaustive.
    static func explore(body: String, blocks: Int, reduction: Bool) -> (
        elapsed: UInt64, schedules: Int, run: Int, exhaustive: Bool
    ) {
        var text = "ExInitializeRundownProtection R\nExInitializeRundownProtection S\n"
        for _ in 0..<blocks { text += ".par\n" + body + "\n.end\n" }
        let session = Session(options: SessionOptions(), sink: DiscardingSink())
        session.parReduction = reduction
        let start = rd_now_ns()
        session.runScript(text: text, file: "<bench explore>")
        let elapsed = rd_now_ns() &- start
        let reports = session.lastParReports
        return (
            elapsed, reports.reduce(0) { $0 + $1.schedules }, reports.reduce(0) { $0 + ($1.run ?? 0) },
            reports.count == blocks && reports.allSatisfy(\.exhaustive)
        )
    }

    public func run(_ options: BenchOptions, progress: (String) -> Void) -> BenchSectionReport {
        var measurements: [BenchMeasurement] = []
        var targets: [BenchTarget] = []
        var notes: [String] = []
        let repetitions = max(1, min(options.repetitions, 5))

        if options.selects("explore-2x3", in: name) {
            let blocks = options.quick ? 50 : 1000
            var best = UInt64.max
            var schedules = 0
            for _ in 0..<repetitions {
                let result = Self.explore(body: Self.twoByThree, blocks: blocks, reduction: false)
                best = min(best, result.elapsed)
                schedules = result.run
            }
            let perSecond = Double(schedules) / (Double(best) / 1e9)
            measurements.append(
                BenchMeasurement(
                    name: "explore-2x3", label: "2 threads x 3 calls, every schedule run (no reduction)",
                    threads: 2, unit: "schedule", nsPerOp: Double(best) / Double(max(schedules, 1)),
                    opsPerSecond: perSecond))
            targets.append(
                BenchTarget(
                    statement: "explore-2x3: >= 20 000 schedules/s", measured: perSecond / 1000, limit: 20,
                    atMost: false, unit: "k schedules/s"))
            notes.append(
                "explore-2x3: \(grouped(Int(perSecond.rounded()))) schedules/s (\(blocks) blocks of 20 schedules, "
                    + "no state cache: every schedule reaches its end and its outcome is computed; going back to a "
                    + "branch point restores the node state saved there and runs the remaining steps on the 2 real "
                    + "threads; the time includes collecting each block and its canonical run)")
            progress("  explore-2x3: \(grouped(Int(perSecond.rounded()))) schedules/s")
        }
        if options.selects("explore-3x3", in: name) {
            for reduction in [true, false] {
                var best = UInt64.max
                var result = (elapsed: UInt64(0), schedules: 0, run: 0, exhaustive: false)
                for _ in 0..<repetitions {
                    result = Self.explore(body: Self.threeByThree, blocks: 1, reduction: reduction)
                    best = min(best, result.elapsed)
                }
                let name = reduction ? "explore-3x3" : "explore-3x3-unreduced"
                measurements.append(
                    BenchMeasurement(
                        name: name,
                        label:
                            "3 threads x 3 calls, exhaustive\(reduction ? " (state cache)" : " (no reduction)")",
                        threads: 3, unit: "block", nsPerOp: Double(best), opsPerSecond: 1e9 / Double(best)))
                if reduction {
                    targets.append(
                        BenchTarget(
                            statement: "explore-3x3: 1 680 interleavings exhaustively in < 0.5 s",
                            measured: Double(best) / 1e9, limit: 0.5, atMost: true, unit: "s"))
                }
                notes.append(
                    "\(name): \(result.schedules) schedules represented, \(result.run) run, "
                        + "\(result.exhaustive ? "exhaustive" : "NOT exhaustive") in \(formatted(Double(best) / 1e6, decimals: 1)) ms"
                )
                progress(
                    "  \(name): \(result.run) schedules run in \(formatted(Double(best) / 1e6, decimals: 1)) ms"
                )
            }
        }
        if options.selects("explore-start-state", in: name) {
            // Each schedule starts from the state at .par: restoring a snapshot of the session's
            // objects and tables, or replaying the lines before .par. Here the prefix is 4 lines.
            let prefix = [
                "ExInitializeRundownProtection R", "A: ExAcquireRundownProtection R",
                "C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdBn'",
                "A: ExAcquireRundownProtectionCacheAware C",
            ]
            let session = Session(options: SessionOptions(), sink: DiscardingSink())
            for (number, line) in prefix.enumerated() {
                session.execute(line: line, location: SourceLocation(file: "<bench>", line: number + 1))
            }
            let iterations = options.quick ? 2_000 : 50_000
            let restore = session.parRestoreNanoseconds(iterations: iterations)
            // Replaying: the same kind of lines run again (a reference acquired and released).
            let replayLines = [
                "ExInitializeRundownProtection S", "A: ExAcquireRundownProtection S",
                "A: ExReleaseRundownProtection S",
                "A: ExAcquireRundownProtectionCacheAware C",
            ]
            let rounds = options.quick ? 200 : 5_000
            let began = rd_now_ns()
            for round in 0..<rounds {
                for line in replayLines {
                    session.execute(line: line, location: SourceLocation(file: "<bench>", line: round + 10))
                }
            }
            let replay = Double(rd_now_ns() &- began) / Double(rounds)
            session.finish()
            measurements.append(
                BenchMeasurement(
                    name: "explore-start-restore", label: "start state: restore the snapshot (4-line prefix)",
                    threads: 1, unit: "schedule", nsPerOp: restore, opsPerSecond: 1e9 / restore))
            measurements.append(
                BenchMeasurement(
                    name: "explore-start-replay", label: "start state: replay a 4-line prefix",
                    threads: 1, unit: "schedule", nsPerOp: replay, opsPerSecond: 1e9 / replay))
            notes.append(
                "start state: restoring the snapshot takes \(formatted(restore / 1000, decimals: 2)) us, replaying a "
                    + "4-line prefix \(formatted(replay / 1000, decimals: 2)) us per schedule: rdsh restores")
        }
        return BenchSectionReport(
            name: name, title: title, measurements: measurements, latencies: [], targets: targets,
            notes: notes)
    }
}

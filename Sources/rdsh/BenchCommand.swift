import ArgumentParser
import RundownBench
import RundownRuntime

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `rdsh bench`: measures the library against the primitives a user would otherwise pick.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract:
            "Measure acquire+release, contention and drain latency against atomics and Mutex, and rdsh against its bounds.",
        discussion: """
            Build with `swift build -c release` first: a debug build's numbers say nothing.

            Prints ns per acquire+release pair and throughput at 1 and 2 threads (pinned to \
            different processors), drain latency, the interpreter and start-up as ratios to \
            bounds measured in the same run (spin hand-off, Swift hello-world), ratios to the \
            baselines and the targets.
            """)

    @Flag(help: "Print the report as JSON on stdout.")
    var json = false

    @Flag(help: "Short runs (seconds): a smoke test, not a measurement.")
    var quick = false

    @Option(
        help:
            "Run only sections or measurements whose name contains this text (e.g. plain, drain, interpreter, bounds, test-runner)."
    )
    var filter: String?

    @Option(
        help:
            "Repetitions per measurement (default 9, 2 with --quick): the library keeps the best, the interpreter, bounds and test runner report the median and spread."
    )
    var repetitions: Int?

    @Flag(help: "Exit with status 1 when a target is missed.")
    var strict = false

    func validate() throws {
        if let repetitions, repetitions < 1 || repetitions > 100 {
            throw ValidationError("--repetitions must be between 1 and 100 (got \(repetitions))")
        }
    }

    func run() throws {
        StandardOutputGuard.install()
        let options = BenchOptions(quick: quick, filter: filter, repetitions: repetitions)
        let report = RundownBench.run(options) { line in
            // Progress goes to stderr so stdout stays the report (table or JSON).
            fputs(line + "\n", stderr)
        }
        if report.sections.isEmpty {
            throw ValidationError(
                "--filter '\(filter ?? "")' selects nothing (try: library, plain, cache-aware, drain, interpreter, "
                    + "script-main, rdsh-run, bounds, test-runner, scale)")
        }
        print(json ? RundownBench.json(report) : RundownBench.table(report))
        // A superlinear growth case always fails the run; other targets only with --strict.
        let scaleFailed = report.sections.contains { $0.name == "scale" && !$0.targets.allSatisfy(\.passed) }
        if scaleFailed || (strict && !report.allTargetsPassed) { throw ExitCode(1) }
    }
}

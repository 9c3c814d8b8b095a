import ArgumentParser
import Glibc
import RundownCheck
import RundownRuntime
import RundownScript

/// `rdsh stress FILE... [-n N] [--json]`: runs every `.par` block N times on free-running
/// real threads and checks each observed outcome against the block's explored outcomes.
struct StressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress",
        abstract: "Run every .par block N times on free-running threads; check outcomes against exploration.",
        discussion: """
            Each FILE (a directory: its *.rdsh files) runs in its own session, as with 'rdsh explore'. Every .par block is \
            explored, then run N times from the state at .par on real threads started together \
            from a spin barrier, pinned round-robin to the processors (the pairing changes \
            every 256 runs), with no scheduler. Per block it prints the histogram of observed \
            outcomes (in explore's form, with run counts) and the allowed outcomes never \
            observed. A free run observes bindings, handle states, holders and slots, blocked \
            threads and the library's refusals; checker-only codes are not compared. An \
            observed outcome exploration does not allow is error[STRESS_OUTCOME] (exit 1); a \
            run that hangs past the watchdog is error[WATCHDOG] and the command stops (exit 1). \
            A file without a .par block is an error (exit 2). With --json, one document: \
            {"blocks":[{"file","line","requested","runs","seconds","exhaustive","outcomes":\
            [{"runs","first_run","allowed","bindings","blocked","handles","diagnostics"}],\
            "never_observed":[...]}]}.
            """)

    /// The most runs one command may ask for per block.
    static let maximumRuns = 100_000_000

    @ArgumentParser.Argument(
        help: ArgumentHelp("Script files, or directories searched for *.rdsh.", valueName: "FILE"))
    var files: [String]

    @Option(
        name: .short, parsing: .unconditional,
        help: ArgumentHelp("Runs per .par block, 1...100000000 (default 100000).", valueName: "N"))
    var n: Int = 100_000

    @Flag(help: "Print one JSON document instead of the text histograms.")
    var json = false

    @Option(help: ArgumentHelp("Processor count the scripts start with (default 4).", valueName: "N"))
    var processors: Int?

    func validate() throws {
        if files.isEmpty { throw ValidationError("no script given: rdsh stress FILE... [-n N]") }
        if n < 1 {
            throw ValidationError("-n \(n): the number of runs per block must be at least 1")
        }
        if n > Self.maximumRuns {
            throw ValidationError(
                "-n \(n): at most \(Self.maximumRuns) runs per block (about ten minutes at 200000 runs/s)")
        }
        try ProcessorsOption.validate(processors)
    }

    func run() throws {
        StandardOutputGuard.install()
        var options = SessionOptions()
        if let processors { options.processors = processors }
        var reports: [StressReport] = []
        var failed = false
        var withoutBlocks: [String] = []
        var unreadable = false
        let found: [String]
        do {
            found = try TestDiscovery.find(paths: files).files
        } catch {
            throw UsageFailure(message: error.message, hints: error.hint.map { [$0] } ?? [])
        }
        for file in found {
            guard
                case .ran(let session, let scriptFailed) = BlockScriptRun.run(
                    file, options: options, configure: { $0.stressRuns = n })
            else {
                unreadable = true
                continue
            }
            failed = failed || scriptFailed
            if session.lastStressReports.isEmpty && session.lastParReports.isEmpty {
                withoutBlocks.append(file)
                StandardError.write(
                    "error: \(file) has no .par block that ran: rdsh stress runs .par blocks only")
            }
            if !json {
                for report in session.lastStressReports {
                    print("\(report.file):\(report.line):")
                    for line in report.lines { print(line) }
                }
            }
            reports += session.lastStressReports
            if session.stressHung || session.lastStressReports.contains(where: { $0.hungRun != nil }) {
                failed = true
                break
            }
        }
        if json { print(StressReport.json(reports)) }
        if unreadable || !withoutBlocks.isEmpty { throw ExitCode(ExitStatus.usage) }
        if failed { throw ExitCode(ExitStatus.failure) }
    }
}

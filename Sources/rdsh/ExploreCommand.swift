import ArgumentParser
import Glibc
import RundownRuntime
import RundownScript

/// `rdsh explore FILE... [--json]`: runs scripts and prints only the outcome tables of their
/// `.par` blocks (diagnostics outside the blocks still go to stderr).
struct ExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Run scripts and print the outcome table of every .par block.",
        discussion: """
            Each FILE runs in its own session, as with 'rdsh run'; only the tables of its .par \
            blocks are printed, each after a 'FILE:LINE:' line. With --json, one document: \
            {"blocks":[{"file","line","schedules","exhaustive","budget","seed","run","outcomes":\
            [{"schedules","witness","bindings","blocked","handles","diagnostics"}]}]}. Exit \
            status 1 when a script reported an error.
            """)

    @ArgumentParser.Argument(help: ArgumentHelp("Script files.", valueName: "FILE"))
    var files: [String]

    @Flag(help: "Print one JSON document instead of the text tables.")
    var json = false

    @Option(help: ArgumentHelp("Processor count the scripts start with (default 4).", valueName: "N"))
    var processors: Int?

    func validate() throws {
        if files.isEmpty { throw ValidationError("no script given: rdsh explore FILE...") }
        try ProcessorsOption.validate(processors)
    }

    func run() throws {
        StandardOutputGuard.install()
        var options = SessionOptions()
        if let processors { options.processors = processors }
        var reports: [ParReport] = []
        var failed = false
        var unreadable = false
        for file in files {
            guard case .ran(let session, let scriptFailed) = BlockScriptRun.run(file, options: options) else {
                unreadable = true
                continue
            }
            failed = failed || scriptFailed
            if !json {
                for report in session.lastParReports {
                    print("\(report.file):\(report.line):")
                    for line in report.lines { print(line) }
                }
            }
            reports += session.lastParReports
        }
        if json { print(ParReport.json(reports)) }
        if unreadable { throw ExitCode(ExitStatus.usage) }
        if failed { throw ExitCode(ExitStatus.failure) }
    }
}

/// Passes diagnostics on and drops the transcript's output lines.
final class DiagnosticsOnlySink: TranscriptSink {
    let inner: any TranscriptSink

    init(_ inner: any TranscriptSink) { self.inner = inner }

    func emit(_ entry: TranscriptEntry) {
        if case .diagnostic = entry.kind { inner.emit(entry) }
    }

    func commandFinished() { inner.commandFinished() }
    func flush() { inner.flush() }
}

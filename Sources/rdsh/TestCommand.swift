import ArgumentParser
import Glibc
import RundownCheck
import RundownRuntime

/// `rdsh test PATH...`: runs scripts and checks their `#>`/`#!` expectations.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run *.rdsh scripts and compare their output with the #> and #! lines they contain.",
        discussion: """
            Runs each *.rdsh file (folders are searched recursively) in its own session and \
            compares its transcript with the '#>' (output) and '#!' (diagnostic) lines written \
            under each command. The last line printed is 'N passed, N failed' (', N skipped' \
            when any). Exit status: 0 all passed; 1 a file failed; 2 usage error, a path that \
            cannot be read, or no test files found.

            Script syntax: '#> text' one output line ('#>' alone: an empty line); '#! text' one \
            diagnostic line; {{regex}} a regex island inside an expected line; '#> ...' or \
            '#! ...' any number of lines. At the top of a file: '#% skip: reason', \
            '#% xfail: reason', '#% timeout: S', '#% processors: N'. grammar.md section 8 has \
            the details.
            """)

    @Argument(help: ArgumentHelp("Script files and folders of scripts.", valueName: "PATH"))
    var paths: [String] = []

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Files run in parallel (default: one per two processors, at least one).", valueName: "N"))
    var jobs: Int?

    @Option(
        help: ArgumentHelp("Run only the files whose path contains a match of REGEX.", valueName: "REGEX"))
    var filter: String?

    @Option(
        help: ArgumentHelp("Leave out the files whose path contains a match of REGEX.", valueName: "REGEX"))
    var filterOut: String?

    @Flag(help: "Print the files that would run, one per line, and run nothing.")
    var list = false

    @Option(
        help: ArgumentHelp(
            "Watchdog seconds for a thread that neither finishes nor blocks ('#% timeout:' in a file wins).",
            valueName: "SECONDS"))
    var timeout: Double?

    @Flag(
        help: "Rewrite the expectation lines from the actual output (refused when CI is set, unless --force)."
    )
    var accept = false

    @Flag(help: "Allow --accept when the CI environment variable is set.")
    var force = false

    @Flag(help: "Write TAP version 14 on stdout (one test point per file).")
    var tap = false

    @Option(help: ArgumentHelp("Also write JUnit XML to FILE.", valueName: "FILE"))
    var junit: String?

    @Flag(help: "Do not write FILE.rdsh.actual beside a failing file.")
    var noActual = false

    @Flag(name: .shortAndLong, help: "Also list passing files and print every transcript.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print only the list of failures and the summary line.")
    var quiet = false

    func validate() throws {
        if paths.isEmpty {
            throw ValidationError("no test paths given: rdsh test PATH... (e.g. 'rdsh test scripts/')")
        }
        if let jobs, !(1...1024).contains(jobs) {
            throw ValidationError("--jobs must be 1...1024 (got \(jobs))")
        }
        if let timeout, !(timeout > 0 && timeout <= 3600) {
            throw ValidationError("--timeout must be seconds between 0 and 3600, e.g. --timeout 5")
        }
        for (flag, value) in [("--filter", filter), ("--filter-out", filterOut)] {
            guard let value else { continue }
            do { _ = try Regex(value) } catch {
                throw ValidationError("bad \(flag) regex '\(value)': \(error)")
            }
        }
        if let junit, junit.isEmpty { throw ValidationError("--junit needs a file name") }
        if verbose && quiet { throw ValidationError("--verbose and --quiet exclude each other") }
        if force && !accept { throw ValidationError("--force only applies to --accept") }
    }

    var options: TestOptions {
        var options = TestOptions()
        options.paths = paths
        if let jobs { options.jobs = jobs }
        options.filter = filter
        options.filterOut = filterOut
        options.list = list
        options.timeoutSeconds = timeout
        options.accept = accept
        options.force = force
        options.tap = tap
        options.junitPath = junit
        options.writeActual = !noActual
        options.verbosity = verbose ? .verbose : quiet ? .quiet : .normal
        return options
    }

    func run() throws {
        StandardOutputGuard.install(failureStatus: 2)
        let options = self.options
        let ci =
            getenv("CI").map { String(cString: $0) }.map { !$0.isEmpty && $0 != "0" && $0 != "false" }
            ?? false
        let colour = !options.tap && isatty(1) != 0 && getenv("NO_COLOR") == nil
        let status = TestRunner(options: options).main(
            ci: ci,
            out: { print(colour ? TextReport.colourized($0) : $0) },
            err: { StandardError.write($0) })
        if status != 0 { throw ExitCode(status) }
    }
}

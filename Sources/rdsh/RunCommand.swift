import ArgumentParser
import Glibc
import RundownRuntime
import RundownScript

/// `rdsh run FILE...`: runs scripts. Output on stdout, diagnostics on stderr with
/// `file:line:col`, a caret and notes; exit status 1 when any error was reported.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scripts: output on stdout, diagnostics on stderr.",
        discussion: """
            Each FILE runs in its own session, in order; '-' (or no FILE when stdin is not a \
            terminal) reads the script from stdin. Expectation lines (#> and #!) are comments \
            here; 'rdsh test' checks them. At the end of each script, threads still blocked are \
            reported as DEADLOCK and allocations never freed as POOL_LEAK.
            Exit status: 0 no error; 1 a script reported an error; 2 usage error or a file \
            that cannot be read.
            """)

    @ArgumentParser.Argument(help: ArgumentHelp("Script files; '-' reads stdin.", valueName: "FILE"))
    var files: [String] = []

    @Flag(help: "Stop at the first error (the end-of-script reports still run).")
    var bail = false

    @Flag(
        help:
            "Print each command before its output, in the test-file format (#> and #! lines), all on stdout.")
    var echo = false

    @Option(
        help: ArgumentHelp(
            "Seconds to wait for threads to settle before reporting WATCHDOG (default 5, or $RDSH_WATCHDOG_SECONDS).",
            valueName: "SECONDS"))
    var watchdog: Double?

    @Option(help: ArgumentHelp("Processor count the scripts start with (default 4).", valueName: "N"))
    var processors: Int?

    func validate() throws {
        if let watchdog, !(watchdog > 0) {
            throw ValidationError("--watchdog must be a positive number of seconds")
        }
        try ProcessorsOption.validate(processors)
        if files.isEmpty && isatty(STDIN_FILENO) == 1 {
            throw ValidationError("no script given: rdsh run FILE... (or pipe a script into stdin)")
        }
    }

    func run() throws {
        StandardOutputGuard.install()
        var options = SessionOptions(bail: bail, echo: echo, watchdogSeconds: watchdog)
        if let processors { options.processors = processors }
        let status = Self.runFiles(files.isEmpty ? ["-"] : files, options: options)
        if status != 0 { throw ExitCode(status) }
    }

    /// `rdsh run` with script files and `--bail`/`--echo` only, parsed by hand: the common
    /// case skips ArgumentParser, whose parse reflects over the command type (`Mirror`) at
    /// start-up. Anything else (an option with a value, `--help`, `--`, a repeated flag, no
    /// file) returns nil and takes the ordinary path, so messages stay ArgumentParser's.
    static func runWithoutParsing(_ arguments: [String]) -> Int32? {
        guard arguments.first == "run", arguments.count >= 2 else { return nil }
        var bail = false
        var echo = false
        var files: [String] = []
        for argument in arguments.dropFirst() {
            switch argument {
            case "--bail":
                guard !bail else { return nil }
                bail = true
            case "--echo":
                guard !echo else { return nil }
                echo = true
            default:
                guard argument == "-" || !argument.hasPrefix("-") else { return nil }
                files.append(argument)
            }
        }
        guard !files.isEmpty else { return nil }
        StandardOutputGuard.install()
        return runFiles(files, options: SessionOptions(bail: bail, echo: echo, watchdogSeconds: nil))
    }

    /// Runs each file in its own session; `-` is stdin. Returns the exit status: 2 when a
    /// file could not be read, else 1 when a script reported an error, else 0.
    static func runFiles(_ files: [String], options: SessionOptions) -> Int32 {
        // Every script runs on `main` at least: its thread is made while the script is read
        // and parsed (a 1-line `rdsh run` ends about 0.1 ms sooner).
        ThreadPool.prestart(1)
        var worst = ExitStatus.success
        for file in files {
            let status: Int32
            if file == "-" {
                status = runStream(STDIN_FILENO, name: "<stdin>", options: options)
            } else {
                switch ScriptFile.read(file) {
                case .success(let bytes):
                    status = runScript(bytes: bytes, file: file, options: options)
                case .failure(let failure):
                    let sink = TerminalSink(colour: colourOnStderr)
                    let diagnostic = Diagnostic(
                        .readFailed, "cannot read '\(file)': \(failure.reason)",
                        notes: ["rdsh run takes script files (UTF-8 text); '-' reads stdin"])
                    sink.emit(
                        TranscriptEntry(
                            kind: .diagnostic(.error), text: diagnostic.headline, sourceLine: nil, file: file,
                            diagnostic: diagnostic))
                    sink.commandFinished()
                    status = ExitStatus.usage
                }
            }
            worst = max(worst, status)
            if status != 0 && options.bail { break }
        }
        return worst
    }

    /// Runs everything readable from `descriptor` as one script named `name` (stdin when it
    /// is not a terminal). Returns the exit status (0, 1, or 2 when it cannot be read). The REPL's batch path may call it.
    static func runStream(_ descriptor: Int32, name: String, options: SessionOptions) -> Int32 {
        switch ScriptFile.readAll(descriptor) {
        case .success(let bytes):
            return runScript(bytes: bytes, file: name, options: options)
        case .failure(let failure):
            let sink = TerminalSink(colour: colourOnStderr)
            let diagnostic = Diagnostic(.readFailed, "cannot read \(name): \(failure.reason)")
            sink.emit(
                TranscriptEntry(
                    kind: .diagnostic(.error), text: diagnostic.headline, sourceLine: nil, file: name,
                    diagnostic: diagnostic))
            sink.commandFinished()
            return ExitStatus.usage
        }
    }

    /// Runs one script's bytes in a fresh session. Returns 0 when no error was reported, else 1.
    static func runScript(bytes: [UInt8], file: String, options: SessionOptions) -> Int32 {
        let sink: any TranscriptSink = options.echo ? TestFormatSink() : TerminalSink(colour: colourOnStderr)
        let session = Session(options: options, sink: sink)
        session.runScript(bytes: bytes, file: file)
        return session.errorCount > 0 ? 1 : 0
    }

    /// Colour only when stderr is a terminal and NO_COLOR is unset.
    static var colourOnStderr: Bool {
        isatty(STDERR_FILENO) == 1 && getenv("NO_COLOR") == nil
    }
}

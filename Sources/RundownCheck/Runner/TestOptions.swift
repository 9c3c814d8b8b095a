/// The options of `rdsh test`, parsed by hand so that every usage error exits with status 2.
public struct TestOptions: Sendable, Equatable {
    /// Files and directories to test.
    public var paths: [String] = []
    /// Only files whose path contains a match of this regex run.
    public var filter: String?
    /// Files whose path contains a match of this regex are left out.
    public var filterOut: String?
    /// List the files that would run, and run nothing.
    public var list = false
    /// The session watchdog for files without `#% timeout:`; nil keeps the session's default.
    public var timeoutSeconds: Double?
    /// Files run at the same time.
    public var jobs: Int = FileSystem.processorCount
    /// Rewrite expectations from the actual output.
    public var accept = false
    /// Accept even when `CI` is set.
    public var force = false
    /// TAP 14 on stdout instead of the text report.
    public var tap = false
    /// Where to write JUnit XML.
    public var junitPath: String?
    public var verbosity: TextReport.Verbosity = .normal
    /// Write `FILE.rdsh.actual` beside a failing file.
    public var writeActual = true
    /// `-h`/`--help` was given.
    public var help = false

    public init() {}

    /// The usage text.
    public static let usage = """
        USAGE: rdsh test [OPTIONS] PATH...

        Runs each *.rdsh file (directories are searched recursively) in its own session and
        compares its transcript with the '#>' (output) and '#!' (diagnostic) lines written under
        each command. The last line printed is 'N passed, N failed' (', N skipped' when any).
        Exit status: 0 all passed, 1 a file failed, 2 usage error.

        OPTIONS:
          -j, --jobs N       files run in parallel (default: the number of processors)
          --filter REGEX     run only the files whose path contains a match of REGEX
          --filter-out REGEX leave out the files whose path contains a match of REGEX
          --list             print the files that would run, one per line, and run nothing
          --timeout S        watchdog seconds for a thread that neither finishes nor blocks
                             (default: the session's; '#% timeout:' in a file wins)
          --accept           rewrite the expectation lines from the actual output; refused when
                             the CI environment variable is set, unless --force is given too
          --accept=force     same as --accept --force
          --force            allow --accept when CI is set
          --tap              write TAP version 14 on stdout (one test point per file)
          --junit FILE       also write JUnit XML to FILE
          --no-actual        do not write FILE.rdsh.actual beside a failing file
          -v, --verbose      also list passing files and print every transcript
          -q, --quiet        print only the list of failures and the summary line
          -h, --help         show this help

        SCRIPT SYNTAX:
          #> text            one output line expected ('#>' alone: an empty line)
          #! text            one diagnostic line expected (error/warning lines and their notes)
          {{regex}}          a regex island inside an expected line
          #> ...  / #! ...   any number of output / diagnostic lines
          #% skip: reason    at the top: do not run this file
          #% xfail: reason   at the top: the file is expected to fail (a pass is XPASS, a failure)
          #% timeout: S      at the top: the session's watchdog, in seconds
          #% processors: N   at the top: the processor count of the session
        """

    /// Parses the arguments that follow `rdsh test`.
    public static func parse(_ arguments: [String]) throws(UsageError) -> TestOptions {
        var options = TestOptions()
        var i = 0
        var onlyPaths = false
        func value(_ flag: String, _ inline: String?) throws(UsageError) -> String {
            if let inline { return inline }
            i += 1
            guard i < arguments.count else {
                throw UsageError("missing value for \(flag)", hint: "see 'rdsh test --help'")
            }
            return arguments[i]
        }
        while i < arguments.count {
            let argument = arguments[i]
            defer { i += 1 }
            if onlyPaths || !argument.hasPrefix("-") || argument == "-" {
                options.paths.append(argument)
                continue
            }
            var flag = argument
            var inline: String?
            if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
                flag = String(argument[..<eq])
                inline = String(argument[argument.index(after: eq)...])
            } else if argument.hasPrefix("-j"), argument.count > 2 {
                flag = "-j"
                inline = String(argument.dropFirst(2))
            }
            switch flag {
            case "--":
                onlyPaths = true
            case "-h", "--help":
                options.help = true
            case "-j", "--jobs":
                let text = try value(flag, inline)
                guard let n = Int(text), n >= 1, n <= 1024 else {
                    throw UsageError(
                        "bad job count '\(text)' for \(flag)", hint: "give a number from 1 to 1024")
                }
                options.jobs = n
            case "--filter", "--filter-out":
                let text = try value(flag, inline)
                do {
                    _ = try Regex(text)
                } catch {
                    throw UsageError("bad \(flag) regex '\(text)': \(error)")
                }
                if flag == "--filter" { options.filter = text } else { options.filterOut = text }
            case "--list":
                guard inline == nil else { throw UsageError("--list takes no value") }
                options.list = true
            case "--timeout":
                let text = try value(flag, inline)
                guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
                    throw UsageError(
                        "bad --timeout '\(text)'", hint: "give seconds between 0 and 3600, e.g. --timeout 5")
                }
                options.timeoutSeconds = seconds
            case "--accept":
                switch inline {
                case nil: options.accept = true
                case "force":
                    options.accept = true
                    options.force = true
                default:
                    throw UsageError(
                        "unknown --accept mode '\(inline!)'", hint: "use --accept or --accept=force")
                }
            case "--force":
                guard inline == nil else { throw UsageError("--force takes no value") }
                options.force = true
            case "--tap":
                guard inline == nil else { throw UsageError("--tap takes no value") }
                options.tap = true
            case "--junit":
                let text = try value(flag, inline)
                guard !text.isEmpty else { throw UsageError("--junit needs a file name") }
                options.junitPath = text
            case "--no-actual":
                options.writeActual = false
            case "-v", "--verbose":
                options.verbosity = .verbose
            case "-q", "--quiet":
                options.verbosity = .quiet
            default:
                let known = [
                    "--jobs", "--filter", "--filter-out", "--list", "--timeout", "--accept", "--force",
                    "--tap", "--junit", "--no-actual",
                    "--verbose",
                    "--quiet", "--help",
                ]
                let suggestion = known.min { distance(flag, $0) < distance(flag, $1) }
                let hint = suggestion.flatMap { distance(flag, $0) <= 3 ? "did you mean '\($0)'?" : nil }
                throw UsageError("unknown option '\(argument)'", hint: hint ?? "see 'rdsh test --help'")
            }
        }
        if !options.help, options.paths.isEmpty {
            throw UsageError(
                "no test paths given", hint: "usage: rdsh test [OPTIONS] PATH... (e.g. 'rdsh test scripts/')")
        }
        return options
    }

    /// Edit distance, for did-you-mean on mistyped options.
    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let saved = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = saved
            }
        }
        return row[b.count]
    }
}

/// What happened to one test file.
public struct FileResult: Sendable {
    /// The verdict for the file.
    public enum Outcome: Sendable, Equatable {
        /// Every block matched.
        case passed
        /// At least one block differs (see `failures`).
        case failed
        /// `#% skip: reason`: not run.
        case skipped(String)
        /// `#% xfail: reason` and the file failed, as expected.
        case expectedFailure(String)
        /// `#% xfail: reason` but the file passed: reported, and fails the run.
        case unexpectedPass(String)
        /// The file could not be used as a test (unreadable, bad metadata, bad pattern); never
        /// affects other files.
        case error(line: Int?, message: String)
    }

    /// The path as discovered (relative paths stay relative).
    public var path: String
    public var outcome: Outcome
    /// The differing blocks (for `.failed` and `.expectedFailure`).
    public var failures: [BlockFailure]
    /// Every transcript line the session produced.
    public var transcript: [TranscriptLine]
    /// Wall-clock seconds spent on the file.
    public var seconds: Double
    /// The `.actual` file written beside the script, if any.
    public var actualPath: String?
    /// Whether `--accept` rewrote the file (it then passes).
    public var accepted: Bool

    public init(
        path: String, outcome: Outcome, failures: [BlockFailure] = [], transcript: [TranscriptLine] = [],
        seconds: Double = 0, actualPath: String? = nil, accepted: Bool = false
    ) {
        self.path = path
        self.outcome = outcome
        self.failures = failures
        self.transcript = transcript
        self.seconds = seconds
        self.actualPath = actualPath
        self.accepted = accepted
    }

    /// Whether the file makes the run fail (exit status 1).
    public var isFailure: Bool {
        switch outcome {
        case .failed, .unexpectedPass, .error: return true
        case .passed, .skipped, .expectedFailure: return false
        }
    }

    /// Whether the file was skipped.
    public var isSkipped: Bool {
        if case .skipped = outcome { return true }
        return false
    }

    /// `path:line` of the first problem, for the list of failures.
    public var location: String {
        switch outcome {
        case .error(let line?, _): return "\(path):\(line)"
        case .failed: return failures.first.map { "\(path):\($0.line)" } ?? path
        default: return path
        }
    }
}

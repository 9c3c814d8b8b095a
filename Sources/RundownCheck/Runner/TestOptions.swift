/// The options of `rdsh test`: a plain value. The command line (`rdsh test --help`) is parsed
/// by the executable with swift-argument-parser; tests and `rdsh bench` fill it in directly.
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
    /// Files run at the same time. By default one per two processors: a file's session keeps
    /// two threads busy at every command (the coordinator and the thread running the command),
    /// and on 2 processors two files side by side spend their time switching threads (200
    /// small files: 34 ms with one job, 72 ms with two).
    public var jobs: Int = TestOptions.defaultJobs

    /// One job per two processors, at least one.
    public static var defaultJobs: Int { max(1, FileSystem.processorCount / 2) }
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

    public init() {}
}

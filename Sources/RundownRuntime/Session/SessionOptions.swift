import Glibc

/// How a ``Session`` behaves; the defaults are those of `rdsh run`.
public struct SessionOptions: Sendable {
    /// The processor count `ExSizeOfRundownProtectionCacheAware` and allocations see (`.processors`).
    public var processors: Int
    /// Stop at the first error (`--bail`, `.bail on`).
    public var bail: Bool
    /// Emit each top-level input line as an `.input` entry (`--echo`, `.echo on`).
    public var echo: Bool
    /// How long the coordinator waits for the threads to settle before it reports WATCHDOG.
    /// Defaults to `$RDSH_WATCHDOG_SECONDS`, else 5.
    public var watchdogSeconds: Double
    /// Where `.read` resolves relative paths for input that is not a file (stdin, the REPL);
    /// `nil` means the current directory.
    public var baseDirectory: String?
    /// How deeply `.read` may nest.
    public var maxReadDepth: Int
    /// How many lines `.read` files may run in all, per script (per line in the REPL):
    /// nested `.read`s multiply, and this keeps a fan-out from running for ever.
    public var maxReadLines: Int

    /// Most threads one session runs, `main` included (THREAD_LIMIT beyond).
    public static let maximumThreads = 10_000

    /// The default of ``maxReadLines``.
    public static let defaultMaxReadLines = 100_000

    public init(
        processors: Int = 4, bail: Bool = false, echo: Bool = false, watchdogSeconds: Double? = nil,
        baseDirectory: String? = nil, maxReadDepth: Int = 16, maxReadLines: Int = defaultMaxReadLines
    ) {
        self.processors = processors
        self.bail = bail
        self.echo = echo
        self.watchdogSeconds = watchdogSeconds ?? SessionOptions.environmentWatchdog ?? 5
        self.baseDirectory = baseDirectory
        self.maxReadDepth = maxReadDepth
        self.maxReadLines = maxReadLines
    }

    /// `$RDSH_WATCHDOG_SECONDS` when it holds a positive number.
    static var environmentWatchdog: Double? {
        guard let raw = getenv("RDSH_WATCHDOG_SECONDS"), let value = Double(String(cString: raw)),
            value > 0
        else { return nil }
        return value
    }
}

/// Receives a session's transcript, entry by entry, in order.
///
/// Entries arrive on the thread that drives the session (never on a worker thread).
public protocol TranscriptSink: AnyObject {
    /// One transcript line.
    func emit(_ entry: TranscriptEntry)
    /// The session finished one top-level command (or the end-of-script reports): a good moment
    /// to flush buffered output. The default does nothing.
    func commandFinished()
    /// Write out everything buffered now (the end of a script, before the process may exit).
    /// The default does nothing.
    func flush()
}

extension TranscriptSink {
    public func commandFinished() {}
    public func flush() {}
}

/// A sink that keeps every entry in memory: for tests and for `rdsh test`.
public final class CapturingSink: TranscriptSink {
    /// Everything emitted so far, in order.
    public private(set) var entries: [TranscriptEntry] = []

    public init() {}

    public func emit(_ entry: TranscriptEntry) { entries.append(entry) }

    /// The text of every entry, one per line, diagnostics and output interleaved as emitted.
    public var lines: [String] { entries.map(\.text) }

    /// Only the output lines.
    public var outputLines: [String] {
        entries.filter { $0.kind == .output }.map(\.text)
    }

    /// Only the diagnostic lines (headlines and notes).
    public var diagnosticLines: [String] {
        entries.filter {
            if case .diagnostic = $0.kind { return true }
            return false
        }.map(\.text)
    }

    /// Forgets everything captured.
    public func removeAll() { entries.removeAll() }
}

/// A sink that only counts entries: for benchmarks of the interpreter itself.
public final class DiscardingSink: TranscriptSink {
    /// Entries received so far.
    public private(set) var count = 0

    public init() {}

    public func emit(_ entry: TranscriptEntry) { count += 1 }
}

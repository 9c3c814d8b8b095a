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

/// A sink that only counts entries: for benchmarks of the interpreter itself.
public final class DiscardingSink: TranscriptSink {
    /// Entries received so far.
    public private(set) var count = 0

    public init() {}

    public func emit(_ entry: TranscriptEntry) { count += 1 }
}

/// A sink that only counts entries: for benchmarks of the interpreter itself.
public final class DiscardingSink: TranscriptSink {
    /// Entries received so far.
    public private(set) var count = 0

    public init() {}

    public func emit(_ entry: TranscriptEntry) { count += 1 }

    public func emitOutput(_ text: String, sourceLine: Int?, file: String) { count += 1 }
}

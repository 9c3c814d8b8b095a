import Glibc

/// The transcript in the test-file format (`--echo`): each command line as written, followed
/// by `#> ` output lines and `#! ` diagnostic lines; everything on stdout, so the result is a
/// script that `rdsh test` accepts.
public final class TestFormatSink: TranscriptSink {
    private let out: OutputStream

    public init(output: Int32 = STDOUT_FILENO) {
        out = OutputStream(descriptor: output)
    }

    public func emit(_ entry: TranscriptEntry) {
        switch entry.kind {
        case .input:
            out.writeLine(entry.text)
        case .output:
            out.writeLine(entry.text.isEmpty ? "#>" : "#> " + entry.text)
        case .diagnostic:
            out.writeLine("#! " + entry.text)
        }
    }

    public func commandFinished() { out.flushIfDue() }

    /// Writes out anything still buffered.
    public func flush() { out.flush() }
}

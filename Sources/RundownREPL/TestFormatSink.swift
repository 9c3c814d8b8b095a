import CEditLineShim
import RundownRuntime

/// Prints a transcript in the test-file format on stdout (`--echo`): each command, then its
/// output as `#>` lines and its diagnostics as `#!` lines. Redirected to a file, the result is
/// a script that passes `rdsh test`.
public final class TestFormatSink: TranscriptSink {
    public init() {}

    public func emit(_ entry: TranscriptEntry) {
        rdsh_write_stdout(TestFileFormat.line(for: entry) + "\n")
    }

    public func commandFinished() { rdsh_flush_stdout() }
}

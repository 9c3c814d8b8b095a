import RundownRuntime

/// The test-file format: a command line, then its output as `#>` lines and its diagnostics as
/// `#!` lines. `.record` and `--echo` write it, and `rdsh test` reads it, so a recorded session
/// is a passing test.
public enum TestFileFormat {
    /// The line a transcript entry becomes in a test file.
    public static func line(for entry: TranscriptEntry) -> String {
        switch entry.kind {
        case .input: entry.text
        case .output: expectation("#>", entry.text)
        case .diagnostic: expectation("#!", entry.text)
        }
    }

    /// `#> text`, or a bare `#>` for an empty line (trailing blanks are not significant).
    static func expectation(_ marker: String, _ text: String) -> String {
        var trimmed = Substring(text)
        while trimmed.last == " " || trimmed.last == "\t" { trimmed = trimmed.dropLast() }
        return trimmed.isEmpty ? marker : marker + " " + trimmed
    }
}

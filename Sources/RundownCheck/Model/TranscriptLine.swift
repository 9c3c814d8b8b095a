/// One line of a session's transcript, as `rdsh test` compares it.
///
/// This is the checker's own small model of the runtime's transcript: the matcher, the reports
/// and `--accept` work on it, so they can be tested with hand-written transcripts.
public struct TranscriptLine: Sendable, Equatable {
    /// Which expectation prefix matches the line.
    public enum Kind: Sendable, Equatable {
        /// Program output (`#>`): results, `[T] blocked in`/`returned from` lines and their why-lines.
        case output
        /// A diagnostic (`#!`): an `error[...]`/`warning[...]` line or one of its `note:` lines.
        case diagnostic
    }

    public var kind: Kind
    /// The line without its newline; trailing blanks are ignored when comparing.
    public var text: String
    /// The line of the top-level script whose command produced it; nil for end-of-script reports.
    public var sourceLine: Int?

    public init(kind: Kind, text: String, sourceLine: Int?) {
        self.kind = kind
        self.text = text
        self.sourceLine = sourceLine
    }

    /// The line written in the script's own syntax: `#> text` or `#! text` (a bare `#>` for an empty line).
    public var asExpectation: String {
        let prefix = kind == .output ? "#>" : "#!"
        let body = text.trimmingTrailingBlanks()
        return body.isEmpty ? prefix : prefix + " " + body
    }
}

extension StringProtocol {
    /// The text without trailing spaces, tabs and carriage returns.
    func trimmingTrailingBlanks() -> String {
        var end = endIndex
        while end > startIndex {
            let before = index(before: end)
            let c = self[before]
            if c == " " || c == "\t" || c == "\r" { end = before } else { break }
        }
        return String(self[startIndex..<end])
    }

    /// The text without leading spaces and tabs.
    func trimmingLeadingBlanks() -> Substring {
        var start = startIndex
        while start < endIndex, self[start] == " " || self[start] == "\t" { start = index(after: start) }
        return Substring(self[start..<endIndex])
    }
}

/// One `#>` or `#!` line of a script.
public struct Expectation: Sendable, Equatable {
    /// Output or diagnostic.
    public var kind: TranscriptLine.Kind
    /// The text after the prefix (one blank after `#>`/`#!` dropped), trailing blanks trimmed.
    public var body: String
    /// 1-based line number in the script.
    public var line: Int
    /// The script line exactly as written (kept by `--accept` when it still matches).
    public var source: String

    /// A line that is exactly `#> ...` or `#! ...`: any number of lines of that kind.
    public var isWildcard: Bool { body == "..." }

    public init(kind: TranscriptLine.Kind, body: String, line: Int, source: String) {
        self.kind = kind
        self.body = body
        self.line = line
        self.source = source
    }

    /// Parses a script line as an expectation; nil when it is not one.
    static func parse(_ text: String, line: Int) -> Expectation? {
        let trimmed = text.trimmingLeadingBlanks()
        let kind: TranscriptLine.Kind
        if trimmed.hasPrefix("#>") {
            kind = .output
        } else if trimmed.hasPrefix("#!") {
            kind = .diagnostic
        } else {
            return nil
        }
        var body = trimmed.dropFirst(2)
        if body.first == " " { body = body.dropFirst() }
        return Expectation(kind: kind, body: body.trimmingTrailingBlanks(), line: line, source: text)
    }
}

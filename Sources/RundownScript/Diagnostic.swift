/// A finding about a script: a stable code, a message, where it happened, and notes.
///
/// Diagnostics are values: the parser returns them, the runtime emits them into the transcript,
/// and one renderer (``DiagnosticRenderer``) turns them into text.
public struct Diagnostic: Error, Sendable, Hashable {
    /// Error or warning; defaults to the code's ``DiagnosticCode/defaultSeverity``.
    public var severity: Severity
    /// The stable code, e.g. `RELEASE_WITHOUT_ACQUIRE`.
    public var code: DiagnosticCode
    /// One line, no trailing period needed, no location.
    public var message: String
    /// Where the bad token starts; `nil` for end-of-script reports and whole-file problems.
    public var location: SourceLocation?
    /// Width of the caret underline, in columns (at least 1).
    public var length: Int
    /// Extra lines, each rendered as `note: <text>`.
    public var notes: [String]

    public init(
        _ code: DiagnosticCode, _ message: String, severity: Severity? = nil,
        location: SourceLocation? = nil, length: Int = 1, notes: [String] = []
    ) {
        self.code = code
        self.message = message
        self.severity = severity ?? code.defaultSeverity
        self.location = location
        self.length = max(1, length)
        self.notes = notes
    }

    /// `error[CODE]: message` (or `warning[...]`), the first transcript line.
    public var headline: String { "\(severity.rawValue)[\(code.rawValue)]: \(message)" }

    /// The lines this diagnostic contributes to a transcript: the headline, then `note:` lines.
    public var transcriptLines: [String] { [headline] + notes.map { "note: \($0)" } }

    /// A copy with one more note.
    public func adding(note: String) -> Diagnostic {
        var copy = self
        copy.notes.append(note)
        return copy
    }
}

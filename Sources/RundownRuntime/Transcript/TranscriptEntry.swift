import RundownScript

/// One line of a session's transcript: an echoed command, an output line, or one line of a
/// diagnostic (its `error[CODE]: ...` headline or one of its `note:` lines).
///
/// Entries are tagged with the line of the command in the top-level script that produced them,
/// so `rdsh test` can attach them to the expectations written under that command; lines
/// produced by a `.read` file carry the line of the `.read`. End-of-script reports (DEADLOCK,
/// POOL_LEAK) carry `nil`.
public struct TranscriptEntry: Sendable, Equatable {
    /// What kind of line this is.
    public enum Kind: Sendable, Equatable {
        /// An echoed command (only while echo is on).
        case input
        /// A result or event line: `TRUE`, `344`, `[W] blocked in ...`, a `.show` line.
        case output
        /// A headline or `note:` line of a diagnostic with this severity.
        case diagnostic(Severity)
    }

    public var kind: Kind
    /// The line, without a newline.
    public var text: String
    /// The line of the top-level command that produced this entry; `nil` for end-of-script reports.
    public var sourceLine: Int?
    /// The top-level file (as named by the user).
    public var file: String
    /// On a diagnostic's headline entry: the diagnostic itself, for renderers that show the
    /// location, the source line and a caret (`rdsh run`). `nil` on every other entry.
    public var diagnostic: Diagnostic?
    /// On a diagnostic's headline entry: the text of the line the diagnostic points into
    /// (which may be in a `.read` file), for the caret display.
    public var sourceText: String?
    /// `true` on the first line of a diagnostic (the `error[...]`/`warning[...]` headline).
    public var isHeadline: Bool { diagnostic != nil }

    public init(
        kind: Kind, text: String, sourceLine: Int?, file: String, diagnostic: Diagnostic? = nil,
        sourceText: String? = nil
    ) {
        self.kind = kind
        self.text = text
        self.sourceLine = sourceLine
        self.file = file
        self.diagnostic = diagnostic
        self.sourceText = sourceText
    }

    public static func == (lhs: TranscriptEntry, rhs: TranscriptEntry) -> Bool {
        lhs.kind == rhs.kind && lhs.text == rhs.text && lhs.sourceLine == rhs.sourceLine
            && lhs.file == rhs.file
    }
}

/// One line of a script file, decoded.
public struct Line: Sendable, Hashable {
    /// 1-based line number.
    public var number: Int
    /// The text without its line ending (`\n` or `\r\n`). For a line with invalid UTF-8 the
    /// bad bytes are replaced by U+FFFD; such a line also carries a diagnostic.
    public var text: String
    /// Set when the line must not run: ENCODING or LINE_TOO_LONG.
    public var diagnostic: Diagnostic?

    public init(number: Int, text: String, diagnostic: Diagnostic? = nil) {
        self.number = number
        self.text = text
        self.diagnostic = diagnostic
    }
}

/// One lexical token of a command line.
public struct Token: Sendable, Hashable {
    /// What the lexer recognised.
    public enum Kind: Sendable, Hashable {
        /// A run of characters up to a blank, `#`, a quote, `:` or `=`: names, `.directives`, paths.
        case word
        /// A word that is a decimal (`42`, `-1`) or hexadecimal (`0x2A`) integer.
        case integer
        /// `'RdTg'`: text holds what is between the single quotes.
        case tag
        /// `"some file.rdsh"`: text holds what is between the double quotes.
        case string
        /// `:` after a thread name.
        case colon
        /// `=` of a binding or a declaration.
        case equals
    }

    public var kind: Kind
    /// The token's text; for tags and strings without the quotes.
    public var text: String
    /// 1-based column of the token's first character (the opening quote for tags and strings).
    public var column: Int
    /// Width in columns, quotes included.
    public var length: Int

    public init(kind: Kind, text: String, column: Int, length: Int) {
        self.kind = kind
        self.text = text
        self.column = column
        self.length = length
    }

    /// The column just past the token.
    public var endColumn: Int { column + length }

    /// The token as it was written (quotes put back).
    public var spelling: String {
        switch kind {
        case .tag: "'\(text)'"
        case .string: "\"\(text)\""
        default: text
        }
    }

    /// True when the token is a word of the form `[A-Za-z_][A-Za-z0-9_]*`.
    public var isIdentifier: Bool { kind == .word && Token.isIdentifier(text) }

    /// True for `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isIdentifier(_ text: String) -> Bool {
        var first = true
        for byte in text.utf8 {
            let letter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
            let digit = byte >= 0x30 && byte <= 0x39
            if first ? !letter : !(letter || digit) { return false }
            first = false
        }
        return !first
    }
}

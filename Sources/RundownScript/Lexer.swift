/// Splits one command line into tokens.
///
/// Rules (grammar.md, "Lexical rules"): blanks (space, tab, carriage return) separate tokens;
/// `#` outside quotes starts a comment that runs to the end of the line; `'...'` is a pool tag
/// and `"..."` a string, both ending at the next matching quote on the same line; `:` and `=`
/// are tokens of their own; every other run of characters is a word, classified as an integer
/// when it is `-?[0-9]+` or `-?0[xX][0-9a-fA-F]+`. Columns count Unicode scalars.
public enum Lexer {
    /// Tokens of `line`, or a SYNTAX diagnostic (unterminated quote, control character).
    /// `location` is the start of the line; diagnostics get the bad token's column.
    public static func tokenize(_ line: String, location: SourceLocation) -> Lexed {
        var line = line
        return line.withUTF8 { tokenize(bytes: $0, location: location) }
    }

    /// The lexer proper, over the line's UTF-8 bytes (no copy for native strings).
    static func tokenize(bytes: UnsafeBufferPointer<UInt8>, location: SourceLocation) -> Lexed {
        var tokens: [Token] = []
        tokens.reserveCapacity(6)
        var index = 0
        var column = 1
        let end = bytes.count

        func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
        func text(_ from: Int, _ to: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
        }

        while index < end {
            let byte = bytes[index]
            switch byte {
            case 0x20, 0x09, 0x0D:
                index += 1
                column += 1
            case 0x23:  // '#': comment to end of line
                return .success(tokens)
            case 0x3A, 0x3D:  // ':' '='
                tokens.append(
                    Token(
                        kind: byte == 0x3A ? .colon : .equals, text: byte == 0x3A ? ":" : "=", column: column,
                        length: 1))
                index += 1
                column += 1
            case 0x27, 0x22:  // quote: tag or string
                let quote = byte
                let startColumn = column
                var probe = index + 1
                var width = 1
                while probe < end, bytes[probe] != quote {
                    if !isContinuation(bytes[probe]) { width += 1 }
                    probe += 1
                }
                if probe >= end {
                    let what = quote == 0x27 ? "pool tag" : "string"
                    let closing = quote == 0x27 ? "'" : "\""
                    return .failure(
                        Diagnostic(
                            .syntax, "unterminated \(what): missing closing \(closing)",
                            location: location.at(column: startColumn), length: 1,
                            notes: [
                                quote == 0x27
                                    ? "a pool tag is four characters in single quotes, e.g. 'RdTg'"
                                    : "a string ends at the next \" on the same line"
                            ]))
                }
                tokens.append(
                    Token(
                        kind: quote == 0x27 ? .tag : .string, text: text(index + 1, probe),
                        column: startColumn, length: width + 1))
                index = probe + 1
                column = startColumn + width + 1
            default:
                if byte < 0x20 || byte == 0x7F {
                    let hex = String(byte, radix: 16, uppercase: true)
                    return .failure(
                        Diagnostic(
                            .syntax, "unexpected control character U+\(hex.count < 2 ? "0" + hex : hex)",
                            location: location.at(column: column), length: 1))
                }
                let start = index
                let startColumn = column
                while index < end {
                    let b = bytes[index]
                    if b == 0x20 || b == 0x09 || b == 0x0D || b == 0x23 || b == 0x3A || b == 0x3D || b == 0x27
                        || b == 0x22 || b < 0x20 || b == 0x7F
                    {
                        break
                    }
                    if !isContinuation(b) { column += 1 }
                    index += 1
                }
                let word = text(start, index)
                tokens.append(
                    Token(
                        kind: isInteger(bytes[start..<index]) ? .integer : .word, text: word,
                        column: startColumn, length: column - startColumn))
            }
        }
        return .success(tokens)
    }

    /// `-?[0-9]+` or `-?0[xX][0-9a-fA-F]+`.
    static func isInteger(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var digits = bytes[...]
        if digits.first == 0x2D { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return false }
        if digits.count > 2, digits.first == 0x30, digits[digits.startIndex + 1] | 0x20 == 0x78 {
            return digits.dropFirst(2).allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66)
            }
        }
        return digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// The value of an integer token: sign and magnitude, or nil magnitude when it does not
    /// fit 64 bits.
    public static func integerValue(_ text: String) -> (negative: Bool, magnitude: UInt64?) {
        var body = Substring(text)
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        if body.count > 2, body.hasPrefix("0x") || body.hasPrefix("0X") {
            return (negative, UInt64(body.dropFirst(2), radix: 16))
        }
        return (negative, UInt64(body, radix: 10))
    }
}

/// What ``Lexer/tokenize(_:location:)`` gives: the line's tokens, or its SYNTAX diagnostic.
///
/// A plain enum, not `Result<[Token], Diagnostic>`: a `Result` is generic over an `Error`, so
/// the first use of its type makes the Swift runtime look for `Diagnostic: Error` among every
/// conformance record of the executable (3 762 of them, FoundationEssentials' included), a
/// cost `rdsh run` paid at start-up. This type is laid out at compile time.
public enum Lexed: Sendable {
    case success([Token])
    case failure(Diagnostic)

    /// The tokens, or the diagnostic thrown.
    public func get() throws(Diagnostic) -> [Token] {
        switch self {
        case .success(let tokens): return tokens
        case .failure(let diagnostic): throw diagnostic
        }
    }
}

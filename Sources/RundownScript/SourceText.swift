import Glibc

/// Splits a script's bytes into lines, with the checks every input source needs.
///
/// - `\n` and `\r\n` both end a line; a final line without a newline counts; an empty file
///   has no lines; a UTF-8 byte order mark at the start is skipped.
/// - A line with bytes that are not UTF-8 gets an ENCODING diagnostic at the first bad byte.
/// - A line longer than ``maximumLineBytes`` gets LINE_TOO_LONG.
/// - A file with a NUL byte is binary, and one that starts with a UTF-16 byte order mark is
///   UTF-16: either way no lines, one ENCODING diagnostic.
public enum SourceText {
    /// Longest line accepted, in bytes (line ending excluded).
    public static let maximumLineBytes = 4096

    /// The whole-file problem of `bytes`, if any: UTF-16 text, or a NUL byte (binary). Such a
    /// file has no lines, only this diagnostic.
    public static func fileProblem(of bytes: [UInt8], file: String) -> Diagnostic? {
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)
        {
            let diagnostic = Diagnostic(
                .encoding, "\(file) is UTF-16 text, not UTF-8",
                location: SourceLocation(file: file, line: 1, column: 1), length: 1,
                notes: ["rdsh scripts are UTF-8 text; convert it, e.g. iconv -f UTF-16 -t UTF-8"])
            return diagnostic
        }
        // memchr: a byte-at-a-time search cost 1-7% of a long script's `rdsh run`.
        let found = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { memchr($0, 0, buffer.count) }.map {
                buffer.baseAddress!.distance(to: $0.assumingMemoryBound(to: UInt8.self))
            }
        }
        if let nul = found {
            let lineNumber = 1 + bytes[..<nul].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            let lineStart = bytes[..<nul].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
            let column = 1 + scalarCount(bytes[lineStart..<nul])
            let diagnostic = Diagnostic(
                .encoding, "\(file) is a binary file (NUL byte at line \(lineNumber)), not a script",
                location: SourceLocation(file: file, line: lineNumber, column: column),
                notes: ["rdsh scripts are UTF-8 text"])
            return diagnostic
        }
        return nil
    }

    /// The lines of `bytes`, and every diagnostic found (also attached to their lines).
    public static func lines(of bytes: [UInt8], file: String) -> ([Line], [Diagnostic]) {
        if let problem = fileProblem(of: bytes, file: file) { return ([], [problem]) }
        var lines: [Line] = []
        var diagnostics: [Diagnostic] = []
        forEachLineContent(of: bytes) { content, number in
            let decoded = line(content: content, number: number, file: file)
            if let diagnostic = decoded.diagnostic { diagnostics.append(diagnostic) }
            lines.append(decoded)
            return true
        }
        return (lines, diagnostics)
    }

    /// Calls `body` with the bytes of each line of `bytes` (its ending excluded, the byte order
    /// mark skipped) and its number, until it returns false. The bytes are not checked: a caller
    /// that has not seen the same bytes pass ``line(content:number:file:)`` before must check
    /// them with it.
    public static func forEachLineContent(
        of bytes: [UInt8], _ body: (UnsafeBufferPointer<UInt8>, Int) -> Bool
    ) {
        bytes.withUnsafeBufferPointer { buffer in
            var cursor = LineCursor(buffer)
            while let content = cursor.next() {
                if !body(content, cursor.number) { return }
            }
        }
    }

    /// The lines of a buffer, one at a time, by the rules of ``forEachLineContent(of:_:)``: for
    /// a reader that looks at the next line before it is done with this one. The buffer must
    /// outlive the cursor.
    public struct LineCursor {
        private let buffer: UnsafeBufferPointer<UInt8>
        private var start = 0
        /// The number of the line ``next()`` returned last (0 before the first).
        public private(set) var number = 0

        public init(_ buffer: UnsafeBufferPointer<UInt8>) {
            self.buffer = buffer
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
        }

        /// The next line's bytes, its ending excluded; nil after the last line.
        public mutating func next() -> UnsafeBufferPointer<UInt8>? {
            guard start < buffer.count, let base = buffer.baseAddress else { return nil }
            number += 1
            let end =
                memchr(base + start, 0x0A, buffer.count - start).map {
                    base.distance(to: $0.assumingMemoryBound(to: UInt8.self))
                } ?? buffer.count
            var contentEnd = end
            if contentEnd > start, buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let content = UnsafeBufferPointer(rebasing: buffer[start..<contentEnd])
            start = end + 1
            return content
        }
    }

    /// The lines of text that is already a String (the REPL, tests): same rules, minus encoding.
    public static func lines(of text: String, file: String) -> ([Line], [Diagnostic]) {
        lines(of: Array(text.utf8), file: file)
    }

    /// Checks and decodes one line's bytes.
    public static func line(_ bytes: [UInt8], number: Int, file: String) -> Line {
        var content = bytes[...]
        if content.last == 0x0A { content = content.dropLast() }
        if content.last == 0x0D { content = content.dropLast() }
        return Array(content).withUnsafeBufferPointer { line(content: $0, number: number, file: file) }
    }

    /// Checks and decodes the bytes of one line (its ending already removed).
    public static func line(content: UnsafeBufferPointer<UInt8>, number: Int, file: String) -> Line {
        let location = SourceLocation(file: file, line: number, column: 1)
        if let bad = firstInvalidUTF8(content) {
            let text = String(decoding: content, as: UTF8.self)
            let column = 1 + scalarCount(content[..<bad])
            let hex = String(content[bad], radix: 16, uppercase: true)
            let diagnostic = Diagnostic(
                .encoding, "line \(number) is not valid UTF-8 (byte 0x\(hex.count < 2 ? "0" + hex : hex))",
                location: location.at(column: column),
                notes: ["the line is not run; save the script as UTF-8"])
            return Line(number: number, text: text, diagnostic: diagnostic)
        }
        let text = String(decoding: content, as: UTF8.self)
        if content.count > maximumLineBytes {
            let column = 1 + scalarCount(content[..<maximumLineBytes])
            let diagnostic = Diagnostic(
                .lineTooLong,
                "line \(number) is \(content.count) bytes long; the limit is \(maximumLineBytes)",
                location: location.at(column: column), notes: ["the line is not run"])
            return Line(number: number, text: text, diagnostic: diagnostic)
        }
        return Line(number: number, text: text)
    }

    /// Unicode scalars in valid UTF-8 bytes (continuation bytes do not count).
    static func scalarCount<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    /// Offset of the first byte that does not start a valid UTF-8 sequence, or nil.
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            let b1 = bytes[i + 1]
            guard b1 >= lower, b1 <= upper else { return i }
            for k in 2..<max(2, length) where bytes[i + k] & 0xC0 != 0x80 {
                return i
            }
            i += length
        }
        return nil
    }
}

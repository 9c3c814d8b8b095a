/// An expectation compiled for matching: literal text, `{{regex}}` islands, or a whole-line `...`.
///
/// The literal comparison is always tried first (as cram does), so output that happens to
/// contain `{{` matches itself without escaping.
struct LinePattern {
    let kind: TranscriptLine.Kind
    let isWildcard: Bool
    let literal: String
    /// Present when the body has at least one complete `{{...}}` island.
    let regex: Regex<AnyRegexOutput>?

    /// A pattern that cannot be compiled (bad regex island).
    struct CompileError: Error, Equatable {
        var message: String
    }

    init(_ expectation: Expectation) throws(CompileError) {
        kind = expectation.kind
        isWildcard = expectation.isWildcard
        literal = expectation.body
        if isWildcard {
            regex = nil
        } else if let source = Self.regexSource(for: literal) {
            do {
                regex = try Regex(source)
            } catch {
                throw CompileError(message: "invalid regex in '{{...}}': \(error)")
            }
        } else {
            regex = nil
        }
    }

    /// A pattern that never fails to build: with `allowRegex`, a bad island falls back to a
    /// literal comparison; without it, the body is compared literally only.
    init(literalOnly expectation: Expectation, allowRegex: Bool = false) {
        if allowRegex, let compiled = try? LinePattern(expectation) {
            self = compiled
            return
        }
        kind = expectation.kind
        isWildcard = expectation.isWildcard
        literal = expectation.body
        regex = nil
    }

    /// Whether `line` satisfies this (non-wildcard) pattern.
    func matches(_ line: TranscriptLine) -> Bool {
        guard line.kind == kind else { return false }
        let text = line.text.trimmingTrailingBlanks()
        if text == literal { return true }
        guard let regex else { return false }
        return (try? regex.wholeMatch(in: text)) != nil
    }

    /// The regex for a body with `{{...}}` islands: literal parts escaped, islands grouped; nil
    /// when there is no complete island.
    static func regexSource(for body: String) -> String? {
        var result = ""
        var rest = Substring(body)
        var islands = 0
        while let open = rest.firstRange(of: "{{") {
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else { break }
            result += escape(rest[..<open.lowerBound])
            result += "(?:" + rest[open.upperBound..<close.lowerBound] + ")"
            rest = rest[close.upperBound...]
            islands += 1
        }
        guard islands > 0 else { return nil }
        return result + escape(rest)
    }

    private static func escape(_ text: Substring) -> String {
        var out = ""
        for c in text {
            if "\\^$.|?*+()[]{}".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}

/// TAP version 14 output: one test point per file.
///
/// Skipped files carry `# SKIP reason`; expected failures are `not ok ... # TODO reason`; an
/// unexpected pass of an xfail file is a plain `not ok` (it fails the run, so TAP consumers must
/// fail it too). Failures carry a YAML diagnostic block with `message`, `at`, `expected`, `got`
/// and the rendered hunks. The stream ends with the summary as a comment.
public enum TAPReport {
    /// The version line and the plan.
    public static func header(count: Int) -> [String] {
        ["TAP version 14", "1..\(count)"]
    }

    /// The test point (and YAML block) for file number `number` (1-based).
    public static func lines(for result: FileResult, number: Int) -> [String] {
        let description = escapeDescription(result.path)
        switch result.outcome {
        case .passed:
            return ["ok \(number) - \(description)"]
        case .skipped(let reason):
            return ["ok \(number) - \(description) # SKIP \(escapeDirective(reason))"]
        case .expectedFailure(let reason):
            return ["not ok \(number) - \(description) # TODO \(escapeDirective(reason))"]
                + yaml(result, message: "expected failure: \(reason)")
        case .unexpectedPass(let reason):
            return ["not ok \(number) - \(description)"]
                + yaml(result, message: "expected to fail (\(reason)) but passed")
        case .failed:
            let message = result.failures.first.map { $0.message } ?? "output mismatch"
            return ["not ok \(number) - \(description)"] + yaml(result, message: message)
        case .error(let line, let message):
            var block = ["  ---", "  message: \(quoted(message))", "  severity: error", "  at:"]
            block.append("    file: \(quoted(result.path))")
            if let line { block.append("    line: \(line)") }
            block.append("  ...")
            return ["not ok \(number) - \(description)"] + block
        }
    }

    /// The closing comment: the summary line.
    public static func footer(_ summary: Summary) -> [String] {
        ["# " + summary.line]
    }

    private static func yaml(_ result: FileResult, message: String) -> [String] {
        var block = ["  ---", "  message: \(quoted(message))", "  severity: fail"]
        if let first = result.failures.first {
            block += ["  at:", "    file: \(quoted(result.path))", "    line: \(first.line)"]
            block += literal("expected", first.expected.map { String($0.trimmingLeadingBlanks()) })
            block += literal("got", first.got)
            block += literal("diff", TextReport.failureLines(result))
        }
        block.append("  ...")
        return block
    }

    /// A YAML literal block scalar (`|`), or an empty string.
    ///
    /// Its first line never starts with a blank (expectation lines are written without their
    /// indentation, and a hunk starts with its `file:line:` header), so the plain `|` form is
    /// enough: it is what YAMLish readers such as Perl's TAP::Parser support.
    private static func literal(_ key: String, _ lines: [String]) -> [String] {
        let body = lines.map { sanitize($0) }.filter { !$0.isEmpty }
        guard !body.isEmpty else { return ["  \(key): \"\""] }
        return ["  \(key): |"] + body.map { "    " + $0 }
    }

    /// Control characters YAML does not allow become U+FFFD.
    private static func sanitize(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F {
                out.unicodeScalars.append("\u{FFFD}")
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `#` starts a directive and `\` escapes in a TAP description.
    static func escapeDescription(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "\\" || c == "#" { out.append("\\") }
            out.append(c == "\n" || c == "\r" ? " " : c)
        }
        return out
    }

    private static func escapeDirective(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}

/// JUnit XML: one `testsuite`, one `testcase` per file.
///
/// Failures carry the hunks in `<failure>`, unusable files an `<error>`, skipped files
/// `<skipped>`; every run file's transcript goes to `<system-out>`. Escaping is done by hand:
/// the five XML entities, and characters XML 1.0 forbids replaced by U+FFFD.
public enum JUnitReport {
    /// The whole document.
    public static func document(_ summary: Summary, suiteName: String = "rdsh test") -> String {
        let errors = summary.results.count { if case .error = $0.outcome { true } else { false } }
        let failures = summary.failed - errors
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let counts =
            "tests=\"\(summary.results.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(summary.skipped)\" time=\"\(seconds(summary.seconds))\""
        out += "<testsuites name=\(attribute(suiteName)) \(counts)>\n"
        out += "  <testsuite name=\(attribute(suiteName)) \(counts)>\n"
        for result in summary.results {
            out += testcase(result)
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    private static func testcase(_ result: FileResult) -> String {
        let classname = className(result.path)
        var out =
            "    <testcase name=\(attribute(result.path)) classname=\(attribute(classname)) file=\(attribute(result.path)) time=\"\(seconds(result.seconds))\""
        var body: [String] = []
        switch result.outcome {
        case .passed, .expectedFailure:
            break
        case .skipped(let reason):
            body.append("      <skipped message=\(attribute(reason))/>")
        case .failed:
            let message =
                result.failures.first.map { "\(result.path):\($0.line): \($0.message)" } ?? "output mismatch"
            let text = TextReport.failureLines(result).joined(separator: "\n")
            body.append(
                "      <failure message=\(attribute(message)) type=\"mismatch\">\(escape(text))</failure>")
        case .unexpectedPass(let reason):
            let message = "expected to fail (\(reason)) but passed"
            body.append(
                "      <failure message=\(attribute(message)) type=\"xpass\">\(escape(message))</failure>")
        case .error(let line, let message):
            let at = "\(result.path)\(line.map { ":\($0)" } ?? ""): error: \(message)"
            body.append("      <error message=\(attribute(message)) type=\"error\">\(escape(at))</error>")
        }
        if !result.transcript.isEmpty {
            let text = result.transcript.map(TextReport.transcriptLine).joined(separator: "\n")
            body.append("      <system-out>\(escape(text))</system-out>")
        }
        if body.isEmpty { return out + "/>\n" }
        out += ">\n" + body.joined(separator: "\n") + "\n    </testcase>\n"
        return out
    }

    /// `dir/sub/file.rdsh` → `dir.sub` (JUnit viewers group by class name); `rdsh` at the top.
    static func className(_ path: String) -> String {
        var parts = path.split(separator: "/").map(String.init)
        parts.removeLast()
        parts.removeAll { $0 == "." || $0.isEmpty }
        return parts.isEmpty ? "rdsh" : parts.joined(separator: ".")
    }

    static func attribute(_ text: String) -> String {
        "\"" + escape(text, attribute: true) + "\""
    }

    /// Escapes text for element content or (with `attribute`) a double-quoted attribute value.
    static func escape(_ text: String, attribute: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += attribute ? "&quot;" : "\""
            case "\n": out += attribute ? "&#10;" : "\n"
            case "\t": out += attribute ? "&#9;" : "\t"
            case "\r": out += "&#13;"
            default:
                let v = scalar.value
                let allowed = v >= 0x20 && !(0xD800...0xDFFF).contains(v) && v != 0xFFFE && v != 0xFFFF
                if allowed {
                    out.unicodeScalars.append(scalar)
                } else {
                    out.unicodeScalars.append("\u{FFFD}")
                }
            }
        }
        return out
    }

    private static func seconds(_ value: Double) -> String {
        let ms = Int((value * 1000).rounded())
        return "\(ms / 1000).\(String(ms % 1000).leftPadded(3))"
    }
}

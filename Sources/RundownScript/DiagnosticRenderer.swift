/// Turns diagnostics into text: the transcript form and the terminal form.
public enum DiagnosticRenderer {
    /// Transcript form: `error[CODE]: message` then `note: ...` lines. No location, so a
    /// script's expectations do not change when lines move.
    public static func transcript(_ diagnostic: Diagnostic) -> [String] {
        diagnostic.transcriptLines
    }

    /// Terminal form (stderr of `rdsh run`):
    /// ```
    /// file:line:col: error[CODE]: message
    ///     ExAcquireRundownProtectionEx R
    ///                                   ^
    /// note: usage: ExAcquireRundownProtectionEx RunRef Count
    /// ```
    /// The source line and caret appear when `sourceLine` is given and the diagnostic has a
    /// location. With `color`, the severity and caret are bold red/magenta (only on a tty).
    ///
    /// With `showLocation` false (a line just typed at the REPL prompt) the `file:line:col:`
    /// prefix is left out; the source line and caret stay.
    public static func terminal(
        _ diagnostic: Diagnostic, sourceLine: String? = nil, color: Bool = false, showLocation: Bool = true
    ) -> [String] {
        let severityText: String
        if color {
            let tint = diagnostic.severity == .error ? "\u{1B}[1;31m" : "\u{1B}[1;35m"
            severityText = "\(tint)\(diagnostic.severity.rawValue)[\(diagnostic.code.rawValue)]\u{1B}[0m"
        } else {
            severityText = "\(diagnostic.severity.rawValue)[\(diagnostic.code.rawValue)]"
        }
        var lines: [String] = []
        if let location = diagnostic.location {
            lines.append(
                showLocation
                    ? "\(location): \(severityText): \(diagnostic.message)"
                    : "\(severityText): \(diagnostic.message)")
            if let sourceLine {
                lines.append(
                    contentsOf: excerpt(
                        sourceLine, column: location.column, length: diagnostic.length, color: color))
            }
        } else {
            lines.append("\(severityText): \(diagnostic.message)")
        }
        lines.append(contentsOf: diagnostic.notes.map { "note: \($0)" })
        return lines
    }

    /// Widest source excerpt shown; longer lines are cut around the caret.
    static let excerptWidth = 120

    /// The source line (indented by four blanks) and a caret line under the token.
    static func excerpt(_ sourceLine: String, column: Int, length: Int, color: Bool) -> [String] {
        var scalars = Array(sourceLine.unicodeScalars)
        var caretColumn = max(1, min(column, scalars.count + 1))
        var prefix = ""
        if scalars.count > excerptWidth {
            let start = max(0, min(caretColumn - 1 - excerptWidth / 2, scalars.count - excerptWidth))
            scalars = Array(scalars[start..<min(scalars.count, start + excerptWidth)])
            if start > 0 {
                prefix = "..."
                caretColumn -= start
            }
        }
        var source = prefix
        source.unicodeScalars.append(contentsOf: scalars)
        var pad = String(repeating: " ", count: prefix.count)
        for scalar in scalars.prefix(caretColumn - 1) {
            pad.append(scalar == "\t" ? "\t" : " ")
        }
        let width = max(1, min(length, scalars.count + 1 - (caretColumn - 1)))
        var carets = String(repeating: "^", count: width)
        if color { carets = "\u{1B}[1;32m\(carets)\u{1B}[0m" }
        return ["    " + source, "    " + pad + carets]
    }
}

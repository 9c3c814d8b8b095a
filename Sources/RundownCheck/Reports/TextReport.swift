/// The human-readable report: what a developer reads in a terminal.
///
/// Per file, in discovery order: nothing for a pass (unless verbose), `FAIL path` with one
/// `file:line: error:` header, hunk and notes per differing block, one line for SKIP, XFAIL,
/// XPASS and ACCEPTED. The run ends with the list of failures and the summary line.
public enum TextReport {
    /// How much to print.
    public enum Verbosity: Sendable, Equatable {
        /// Only the summary line (and the list of failures).
        case quiet
        /// Failures and notable outcomes.
        case normal
        /// Also a PASS line and the whole transcript of every file.
        case verbose
    }

    /// The lines printed for one file.
    public static func lines(for result: FileResult, verbosity: Verbosity) -> [String] {
        if verbosity == .quiet { return [] }
        var out: [String] = []
        let time = " (\(formatSeconds(result.seconds)))"
        switch result.outcome {
        case .passed:
            if result.accepted {
                out.append("ACCEPTED \(result.path): expectations rewritten from the actual output")
            } else if verbosity == .verbose {
                out.append("PASS \(result.path)\(time)")
            }
        case .failed:
            out.append("FAIL \(result.path)\(time)")
            out += failureLines(result)
        case .skipped(let reason):
            out.append("SKIP \(result.path): \(reason)")
        case .expectedFailure(let reason):
            out.append("XFAIL \(result.path): \(reason)")
        case .unexpectedPass(let reason):
            out.append("XPASS \(result.path): expected to fail (\(reason)) but passed")
            out.append("note: remove the '#% xfail:' line if the fix is intended")
        case .error(let line, let message):
            out.append("FAIL \(result.path)")
            out.append("\(result.path)\(line.map { ":\($0)" } ?? ""): error: \(message)")
        }
        if verbosity == .verbose, !result.transcript.isEmpty {
            out.append("transcript of \(result.path):")
            out += result.transcript.map { "    " + transcriptLine($0) }
        }
        return out
    }

    /// The `file:line:` headers, hunks and notes of a failed file.
    public static func failureLines(_ result: FileResult) -> [String] {
        var out: [String] = []
        for failure in result.failures.prefix(maximumReportedBlocks) {
            out.append("\(result.path):\(failure.line): error: \(failure.message)")
            out += failure.hunk
            out += failure.notes.map { "note: " + $0 }
        }
        let more = result.failures.count - maximumReportedBlocks
        if more > 0 {
            out.append(
                "note: \(more) more mismatching command\(more == 1 ? "" : "s") in \(result.path) not shown")
        }
        if let actual = result.actualPath {
            out.append("note: actual output written to \(actual); rerun with --accept to update the script")
        }
        return out
    }

    /// How many differing blocks of one file are shown; the rest are counted.
    public static let maximumReportedBlocks = 25

    /// The lines that end a run: the failures' locations, then the summary line (always last).
    public static func footer(_ summary: Summary) -> [String] {
        var out: [String] = []
        let failed = summary.results.filter(\.isFailure)
        if !failed.isEmpty {
            out.append("Failed:")
            out += failed.map { "  " + $0.location }
        }
        out.append(summary.line)
        return out
    }

    /// The line with ANSI colour for a terminal: `-` lines red, `+` lines green, FAIL and XPASS
    /// headers bold red, the summary bold. Used only when stdout is a tty and NO_COLOR is unset.
    public static func colourized(_ line: String) -> String {
        let code: String
        if line.hasPrefix(" - ") {
            code = "31"
        } else if line.hasPrefix(" + ") {
            code = "32"
        } else if line.hasPrefix("FAIL ") || line.hasPrefix("XPASS ") {
            code = "1;31"
        } else if line.hasPrefix("note: ") {
            code = "36"
        } else if line.contains(" passed, "), line.contains(" failed"), !line.hasPrefix(" ") {
            code = "1"
        } else {
            return line
        }
        return "\u{1B}[\(code)m\(line)\u{1B}[0m"
    }

    /// A transcript line as `rdsh -v` shows it: `[line] text`.
    static func transcriptLine(_ line: TranscriptLine) -> String {
        let at = line.sourceLine.map { String($0) } ?? "end"
        return "\(at): \(line.asExpectation)"
    }

    static func formatSeconds(_ seconds: Double) -> String {
        let ms = Int((seconds * 1000).rounded())
        return ms < 1000 ? "\(ms) ms" : "\(ms / 1000).\(String(ms % 1000 / 10).leftPadded(2)) s"
    }
}

extension String {
    func leftPadded(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

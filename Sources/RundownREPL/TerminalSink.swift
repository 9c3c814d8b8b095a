import CEditLineShim
import RundownRuntime
import RundownScript

/// Prints the REPL's transcript: output lines on stdout, diagnostics on stderr in the terminal
/// form (headline, the source line, a caret under the bad token, notes), and keeps the entries
/// of the current command for `.record`. Also the sink of batch mode, which prints what
/// `rdsh run` prints.
public final class TerminalSink: TranscriptSink {
    /// Colour the `error`/`warning` word (interactive, `NO_COLOR` unset). The text is the same.
    let colour: Bool
    /// Entries since the last `take()`.
    private var pending: [TranscriptEntry] = []

    public init(colour: Bool) {
        self.colour = colour
    }

    public func emit(_ entry: TranscriptEntry) {
        pending.append(entry)
        switch entry.kind {
        case .input, .output:
            rdsh_write_stdout(entry.text + "\n")
        case .diagnostic:
            var lines = [entry.text]
            if let diagnostic = entry.diagnostic {
                // The terminal form: location, source line and caret. Its notes arrive as
                // entries of their own.
                lines = Array(
                    DiagnosticRenderer.terminal(diagnostic, sourceLine: entry.sourceText, color: colour)
                        .dropLast(diagnostic.notes.count))
            }
            rdsh_write_stderr(lines.joined(separator: "\n") + "\n")
        }
    }

    public func commandFinished() { rdsh_flush_stdout() }

    /// The entries emitted since the last call.
    func take() -> [TranscriptEntry] {
        defer { pending.removeAll() }
        return pending
    }
}

import Glibc
import RundownScript

/// The transcript as `rdsh run` prints it: output lines on stdout; diagnostics on stderr as
/// `file:line:col: error[CODE]: message`, the source line with a caret, then the notes.
/// Echoed commands (echo on) go to stdout. Flushed after every command.
public final class TerminalSink: TranscriptSink {
    private let out: OutputStream
    private let err: OutputStream
    private let colour: Bool

    /// - Parameters:
    ///   - colour: tint severities and carets (only when stderr is a terminal and NO_COLOR is unset).
    ///   - output / error: file descriptors (stdout and stderr by default).
    public init(colour: Bool = false, output: Int32 = STDOUT_FILENO, error: Int32 = STDERR_FILENO) {
        self.colour = colour
        out = OutputStream(descriptor: output)
        err = OutputStream(descriptor: error)
    }

    public func emit(_ entry: TranscriptEntry) {
        switch entry.kind {
        case .input, .output:
            out.writeLine(entry.text)
        case .diagnostic:
            // The headline carries the whole diagnostic; its note entries are rendered with it.
            guard let diagnostic = entry.diagnostic else { return }
            out.flush()
            for line in DiagnosticRenderer.terminal(diagnostic, sourceLine: entry.sourceText, color: colour) {
                err.writeLine(line)
            }
            err.flush()
        }
    }

    public func commandFinished() {
        out.flushIfDue()
        err.flush()
    }

    /// Writes out anything still buffered.
    public func flush() {
        out.flush()
        err.flush()
    }
}

import Glibc
import RundownScript

/// The transcript as `rdsh run` prints it: output lines on stdout; diagnostics on stderr as
/// `file:line:col: error[CODE]: message`, the source line with a caret, then the notes.
/// Echoed commands (echo on) go to stdout. Flushed after every command.
public final class TerminalSink: TranscriptSink {
    private let out: OutputStream
    private let err: OutputStream
    private let colour: Bool
    /// Diagnostics located in this input (the REPL's `<stdin>`) print without `file:line:col:`.
    private let unlocatedInput: String?

    /// - Parameters:
    ///   - colour: tint severities and carets (only when stderr is a terminal and NO_COLOR is unset).
    ///   - output / error: file descriptors (stdout and stderr by default).
    ///   - unlocatedInput: the name of an input whose diagnostics carry no location (the REPL's
    ///     prompt: the line is on the screen just above, grammar.md section 4.3).
    public init(
        colour: Bool = false, output: Int32 = STDOUT_FILENO, error: Int32 = STDERR_FILENO,
        unlocatedInput: String? = nil
    ) {
        self.colour = colour
        self.unlocatedInput = unlocatedInput
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
            let located = unlocatedInput == nil || diagnostic.location?.file != unlocatedInput
            for line in DiagnosticRenderer.terminal(
                diagnostic, sourceLine: entry.sourceText, color: colour, showLocation: located)
            {
                err.writeLine(line)
            }
            err.flush()
        }
    }

    public func emitOutput(_ text: String, sourceLine: Int?, file: String) {
        out.writeLine(text)
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

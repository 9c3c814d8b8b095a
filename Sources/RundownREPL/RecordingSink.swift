import RundownRuntime

/// The REPL's sink: prints what `rdsh run` prints (the runtime's `TerminalSink`: output on
/// stdout, diagnostics on stderr with source line and caret; no location for typed lines) and keeps the
/// entries of the command being run, for `.record`.
final class RecordingSink: TranscriptSink {
    private let terminal: TerminalSink
    /// Entries since the last `take()`.
    private var pending: [TranscriptEntry] = []

    /// Diagnostics of lines typed at the prompt (`inputName`) carry no `file:line:col:`; those
    /// of `.read` files keep theirs.
    init(colour: Bool, inputName: String) {
        terminal = TerminalSink(colour: colour, unlocatedInput: inputName)
    }

    func emit(_ entry: TranscriptEntry) {
        pending.append(entry)
        terminal.emit(entry)
    }

    func commandFinished() { terminal.commandFinished() }

    func flush() { terminal.flush() }

    /// The entries emitted since the last call.
    func take() -> [TranscriptEntry] {
        defer { pending.removeAll() }
        return pending
    }
}

import RundownRuntime

/// The REPL's sink: prints exactly what `rdsh run` prints (the runtime's `TerminalSink`:
/// output on stdout, diagnostics on stderr with location, source line and caret) and keeps the
/// entries of the command being run, for `.record`.
final class RecordingSink: TranscriptSink {
    private let terminal: TerminalSink
    /// Entries since the last `take()`.
    private var pending: [TranscriptEntry] = []

    init(colour: Bool) {
        terminal = TerminalSink(colour: colour)
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

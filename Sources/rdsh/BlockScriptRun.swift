import RundownRuntime
import RundownScript

/// Runs one script for `rdsh explore` and `rdsh stress`: diagnostics go to stderr, the
/// transcript's own output is dropped (the commands print the block reports themselves).
enum BlockScriptRun {
    enum Result {
        /// The script ran; `failed` when it reported an error.
        case ran(Session, failed: Bool)
        /// The file could not be read (reported on stderr): exit 2.
        case unreadable
    }

    static func run(_ file: String, options: SessionOptions, configure: (Session) -> Void = { _ in })
        -> Result
    {
        let sink = DiagnosticsOnlySink(TerminalSink(colour: RunCommand.colourOnStderr))
        let session = Session(options: options, sink: sink)
        configure(session)
        switch ScriptFile.read(file) {
        case .success(let bytes):
            session.runScript(bytes: bytes, file: file)
            return .ran(session, failed: session.errorCount > 0)
        case .failure(let failure):
            let diagnostic = Diagnostic(.readFailed, "cannot read '\(file)': \(failure.reason)")
            sink.emit(
                TranscriptEntry(
                    kind: .diagnostic(.error), text: diagnostic.headline, sourceLine: nil, file: file,
                    diagnostic: diagnostic))
            sink.commandFinished()
            return .unreadable
        }
    }
}

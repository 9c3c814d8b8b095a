/// Receives a session's transcript, entry by entry, in order.
///
/// Entries arrive on the thread that drives the session (never on a worker thread).
public protocol TranscriptSink: AnyObject {
    /// One transcript line.
    func emit(_ entry: TranscriptEntry)
    /// One output line (``TranscriptEntry/Kind/output``): the same as ``emit(_:)`` of such an
    /// entry, which the default builds. A sink that needs only the text can take it without
    /// the entry (a script's every `TRUE` comes this way).
    func emitOutput(_ text: String, sourceLine: Int?, file: String)
    /// The session finished one top-level command (or the end-of-script reports): a good moment
    /// to flush buffered output. The default does nothing.
    func commandFinished()
    /// Write out everything buffered now (the end of a script, before the process may exit).
    /// The default does nothing.
    func flush()
}

extension TranscriptSink {
    public func emitOutput(_ text: String, sourceLine: Int?, file: String) {
        emit(TranscriptEntry(kind: .output, text: text, sourceLine: sourceLine, file: file))
    }

    public func commandFinished() {}
    public func flush() {}
}

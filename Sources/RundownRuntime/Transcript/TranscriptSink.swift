/// Receives a session's transcript, entry by entry, in order.
///
/// Entries arrive on the thread that drives the session (never on a worker thread).
public protocol TranscriptSink: AnyObject {
    /// One transcript line.
    func emit(_ entry: TranscriptEntry)
    /// The session finished one top-level command (or the end-of-script reports): a good moment
    /// to flush buffered output. The default does nothing.
    func commandFinished()
    /// Write out everything buffered now (the end of a script, before the process may exit).
    /// The default does nothing.
    func flush()
}

extension TranscriptSink {
    public func commandFinished() {}
    public func flush() {}
}

import Glibc
import RundownRuntime

/// Keeps the session so far and, while `.record FILE` is on, writes it to that file in the
/// test-file format (through the runtime's `TestFormatSink`, the same formatter as `--echo`).
///
/// Starting a recording writes the whole session typed so far, not just what follows: the
/// commands before `.record` made the handles and threads the later ones use, and without them
/// the file would not pass `rdsh test`. The end-of-session reports (DEADLOCK, POOL_LEAK) are
/// written after the last command when the session ends with the recording on.
final class SessionRecorder {
    /// Every command so far (as an input entry) followed by its transcript.
    private var entries: [TranscriptEntry] = []
    private var sink: TestFormatSink?
    private var descriptor: Int32 = -1
    /// The path being recorded to, if any.
    private(set) var path: String?

    /// Adds one command and the transcript lines it produced.
    func record(command: String, line: Int, file: String, entries produced: [TranscriptEntry]) {
        let added = [TranscriptEntry(kind: .input, text: command, sourceLine: line, file: file)] + produced
        entries += added
        write(added)
    }

    /// The end-of-session reports: written only to an open recording.
    func recordEnd(entries produced: [TranscriptEntry]) {
        write(produced)
    }

    /// Why a recording could not start.
    struct Failure: Error {
        var message: String
        var notes: [String] = []
    }

    /// Starts recording to `path` with the session so far. An existing file is refused unless
    /// `overwrite` (`.record -f`), which truncates it. Returns why it cannot, or nil. A refused
    /// start leaves the current recording, if any, running.
    func start(path: String, overwrite: Bool) -> Failure? {
        let exclusive = overwrite ? O_TRUNC : O_EXCL
        let fd = open(path, O_WRONLY | O_CREAT | exclusive | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = errno
            if reason == EEXIST {
                return Failure(
                    message: "'\(path)' already exists; .record does not overwrite it",
                    notes: ["hint: .record -f \(path) replaces it; or choose another name"])
            }
            return Failure(message: "cannot write '\(path)': \(String(cString: strerror(reason)))")
        }
        stop()
        descriptor = fd
        sink = TestFormatSink(output: fd)
        self.path = path
        write(entries)
        return nil
    }

    /// Stops recording and closes the file.
    func stop() {
        sink?.flush()
        sink = nil
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        path = nil
    }

    deinit { stop() }

    private func write(_ added: [TranscriptEntry]) {
        guard let sink, !added.isEmpty else { return }
        for entry in added { sink.emit(entry) }
        // On disk after every command, so a session that dies still leaves its recording.
        sink.flush()
    }
}

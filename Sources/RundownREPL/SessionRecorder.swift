import Glibc
import RundownRuntime

/// Keeps the session so far in the test-file format and, while `.record FILE` is on, writes it
/// to that file as it grows.
///
/// Starting a recording writes the whole session typed so far, not just what follows: the
/// commands before `.record` made the handles and threads the later ones use, and without them
/// the file would not pass `rdsh test`. The end-of-session reports (DEADLOCK, POOL_LEAK) are
/// written after the last command when the session finishes with the recording on.
final class SessionRecorder {
    /// Every command so far with its transcript lines, already formatted.
    private(set) var lines: [String] = []
    private var file: UnsafeMutablePointer<FILE>?
    /// The path being recorded to, if any.
    private(set) var path: String?

    /// Adds one command and the transcript lines it produced.
    func record(command: String, entries: [TranscriptEntry]) {
        let formatted = [command] + entries.map(TestFileFormat.line(for:))
        lines += formatted
        write(formatted)
    }

    /// The end-of-session reports: written only to an open recording.
    func recordEnd(entries: [TranscriptEntry]) {
        write(entries.map(TestFileFormat.line(for:)))
    }

    /// Starts recording to `path` (truncating it) with the session so far. Returns an error
    /// message when the file cannot be opened.
    func start(path: String) -> String? {
        stop()
        guard let handle = fopen(path, "w") else {
            return "cannot open '\(path)' for writing: \(String(cString: strerror(errno)))"
        }
        file = handle
        self.path = path
        write(lines)
        return nil
    }

    /// Stops recording; the file is closed.
    func stop() {
        if let file { fclose(file) }
        file = nil
        path = nil
    }

    deinit { stop() }

    private func write(_ newLines: [String]) {
        guard let file, !newLines.isEmpty else { return }
        fputs(newLines.joined(separator: "\n") + "\n", file)
        fflush(file)
    }
}

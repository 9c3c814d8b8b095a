import CRundownSupport
import Glibc
import RundownRuntime
import RundownScript
import Testing

/// Runs `script` in a fresh session and returns the transcript lines (output and diagnostics
/// interleaved as emitted), plus the session for further questions.
func transcript(
    _ script: String, options: SessionOptions = SessionOptions(watchdogSeconds: 5)
) -> (lines: [String], session: Session, sink: CapturingSink) {
    let sink = CapturingSink()
    let session = Session(options: options, sink: sink)
    session.runScript(text: script, file: "test.rdsh")
    return (sink.lines, session, sink)
}

/// The headlines (`error[CODE]: ...` / `warning[CODE]: ...`) of a transcript.
func headlines(_ lines: [String]) -> [String] {
    lines.filter { $0.hasPrefix("error[") || $0.hasPrefix("warning[") }
}

/// The codes of the diagnostics in a transcript, in order.
func codes(_ lines: [String]) -> [String] {
    headlines(lines).compactMap { line in
        guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]") else { return nil }
        return String(line[line.index(after: open)..<close])
    }
}

/// Runs `body` on a new OS thread; the returned join waits for it at most 30 s, and records an
/// issue naming `name` when it is still running then (the thread is left behind: the test
/// fails at once instead of hanging the run). The runtime tests' form of `RundownTests`'
/// `TestThread`.
func spawnThread(_ name: String, _ body: @escaping @Sendable () -> Void) -> () -> Void {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    var thread = pthread_t()
    let result = pthread_create(
        &thread, nil,
        { raw in
            Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, Unmanaged.passRetained(Box(body)).toOpaque())
    precondition(result == 0, "pthread_create failed: \(result)")
    return {
        if rd_join_thread_timeout(thread, 30_000_000_000) != 0 {
            Issue.record("thread \(name) still running after 30 s")
        }
    }
}

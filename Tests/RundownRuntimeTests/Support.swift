import RundownRuntime
import RundownScript

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

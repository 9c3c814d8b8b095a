/// Runs one script and hands back its transcript: the seam between the checker and the runtime.
///
/// The real engine runs a `Session`; tests of the runner may use a scripted one.
public protocol ScriptEngine: Sendable {
    /// Runs `script` (whose raw bytes are `bytes`) with error bail off, to the end.
    func run(_ script: TestScript, bytes: [UInt8]) -> EngineRun
}

/// What an engine reports for one script.
public struct EngineRun: Sendable {
    /// Every output and diagnostic line, in order (echoed input left out).
    public var transcript: [TranscriptLine]
    /// For blocks that already differed when their command finished: the `.show` line of each
    /// handle the command named, taken right then, keyed by block index.
    public var notes: [Int: [String]]

    public init(transcript: [TranscriptLine], notes: [Int: [String]] = [:]) {
        self.transcript = transcript
        self.notes = notes
    }
}

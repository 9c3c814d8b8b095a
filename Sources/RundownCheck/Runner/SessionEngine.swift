import RundownRuntime
import RundownScript

/// The real engine: one `Session` per script, bail off, run to the end.
///
/// While the script runs, the sink watches each block as its command finishes; when a block
/// already differs, it records the `.show` line of every handle the command named, taken at
/// that moment, so the failure note shows the state that explains the output.
public struct SessionEngine: ScriptEngine {
    /// The watchdog for scripts without `#% timeout:`; nil keeps the session's default.
    public var watchdogSeconds: Double?

    public init(watchdogSeconds: Double? = nil) {
        self.watchdogSeconds = watchdogSeconds
    }

    public func run(_ script: TestScript, bytes: [UInt8]) -> EngineRun {
        var options = SessionOptions(processors: script.metadata.processors ?? 4, bail: false, echo: false)
        if let timeout = script.metadata.timeoutSeconds ?? watchdogSeconds {
            options.watchdogSeconds = timeout
        }
        let sink = CheckingSink(script: script)
        let session = Session(options: options, sink: sink)
        sink.session = session
        session.runScript(bytes: bytes, file: script.path)
        sink.session = nil
        return EngineRun(transcript: sink.lines, notes: sink.notes)
    }
}

/// Collects the transcript and takes handle states for blocks that differ.
final class CheckingSink: TranscriptSink {
    let script: TestScript
    /// Set while the session runs (weak: the session owns the sink).
    weak var session: Session?
    private(set) var lines: [TranscriptLine] = []
    private(set) var notes: [Int: [String]] = [:]
    /// Lines (per block) received so far.
    private var byBlock: [[TranscriptLine]]
    /// Block index of each line that ends a command (the last line of a `\` continuation).
    private var blockEndingAt: [Int: Int] = [:]
    /// Top-level lines finished so far: the session reports one `commandFinished` per line.
    private var finishedLines = 0
    private var checked = Set<Int>()

    init(script: TestScript) {
        self.script = script
        byBlock = Array(repeating: [], count: script.blocks.count)
        for (index, block) in script.blocks.enumerated() where block.commandLine != nil {
            blockEndingAt[block.commandEndLine] = index
        }
    }

    func emit(_ entry: TranscriptEntry) {
        let kind: TranscriptLine.Kind
        switch entry.kind {
        case .input: return
        case .output: kind = .output
        case .diagnostic: kind = .diagnostic
        }
        let line = TranscriptLine(kind: kind, text: entry.text, sourceLine: entry.sourceLine)
        lines.append(line)
        byBlock[script.blockIndex(forSourceLine: line.sourceLine)].append(line)
    }

    func commandFinished() {
        finishedLines += 1
        let last = script.blocks.count - 1
        if finishedLines > script.lines.count {
            // finish(): the end-of-script reports are in; every block is complete.
            for index in 0...last where !checked.contains(index) { check(index) }
            return
        }
        if finishedLines == script.lines.count {
            // The last line ran; finish() comes next and releases blocked waits, so the last
            // block's handles are described now, before it, and used if the block differs.
            lastBlockStates = states(of: last)
        }
        if let index = blockEndingAt[finishedLines], index != last {
            check(index)
        }
    }

    /// The last block's handle states taken right after the last line ran.
    private var lastBlockStates: [String]?

    /// Records the state of the command's handles if block `index` differs now.
    private func check(_ index: Int) {
        checked.insert(index)
        let block = script.blocks[index]
        let patterns = block.expectations.map { LinePattern(literalOnly: $0, allowRegex: true) }
        guard !Alignment.align(patterns, byBlock[index]).passes else { return }
        let found =
            index == script.blocks.count - 1 ? (lastBlockStates ?? states(of: index)) : states(of: index)
        if !found.isEmpty { notes[index] = found }
    }

    /// The `.show` line of every handle the block's command names, as the session has it now.
    private func states(of index: Int) -> [String] {
        guard let session, let command = script.commandText(of: script.blocks[index]) else { return [] }
        var seen = Set<String>()
        var states: [String] = []
        for token in Self.names(in: command) where seen.insert(token).inserted {
            if let line = session.describe(handle: token) { states.append(line) }
        }
        return states
    }

    /// The words of a command that could be handle names (comment, quotes and punctuation dropped).
    static func names(in command: String) -> [String] {
        let code = command.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return code.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "=" || $0 == "\\" }).compactMap {
            word in
            var word = word
            if word.hasSuffix(":") { return nil }  // a thread prefix
            if word.hasPrefix("'") || word.hasPrefix(".") { return nil }
            while word.last == "," { word = word.dropLast() }
            return word.isEmpty ? nil : String(word)
        }
    }
}

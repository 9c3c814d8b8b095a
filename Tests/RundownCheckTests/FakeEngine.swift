@testable import RundownCheck

/// A stand-in for the session in runner tests: `say A|B` prints lines A and B, `warn A|B` reports
/// diagnostic lines, `later TEXT` adds an end-of-script report, anything else prints nothing.
struct FakeEngine: ScriptEngine {
    func run(_ script: TestScript, bytes: [UInt8]) -> EngineRun {
        var lines: [TranscriptLine] = []
        var end: [TranscriptLine] = []
        for (index, text) in script.lines.enumerated() {
            let words = text.split(separator: " ", maxSplits: 1)
            guard words.count == 2 else { continue }
            let rest = String(words[1])
            switch words[0] {
            case "say":
                for part in rest.split(separator: "|", omittingEmptySubsequences: false) {
                    lines.append(TranscriptLine(kind: .output, text: String(part), sourceLine: index + 1))
                }
            case "warn":
                for part in rest.split(separator: "|", omittingEmptySubsequences: false) {
                    lines.append(TranscriptLine(kind: .diagnostic, text: String(part), sourceLine: index + 1))
                }
            case "later": end.append(TranscriptLine(kind: .diagnostic, text: rest, sourceLine: nil))
            default: break
            }
        }
        return EngineRun(transcript: lines + end)
    }
}

/// Compares a script written inline with a transcript produced by the fake engine.
func compare(_ text: String) -> Comparison {
    let script = TestScript(text: text, path: "t.rdsh")
    return Comparison(script: script, transcript: FakeEngine().run(script, bytes: []).transcript)
}

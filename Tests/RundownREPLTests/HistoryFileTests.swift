import Glibc
import Testing

@testable import RundownREPL

/// The history file as libedit writes it, through the editor's own save path (no terminal
/// needed: libedit opens without one and only the history part is exercised).
@Suite(.serialized, .timeLimit(.minutes(1))) struct HistoryFileTests {
    func temporaryDirectory() -> String {
        var template = Array("/tmp/rdsh-history-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    /// The entries of a libedit history file (`_HiStOrY_V2_` header, `\040` for a blank).
    func entries(_ path: String) -> [String]? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var lines: [String] = []
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            var line = String(decoding: bytes, as: UTF8.self)
            if line.hasSuffix("\n") { line.removeLast() }
            lines.append(
                line.split(separator: "\\040", omittingEmptySubsequences: false).joined(separator: " "))
        }
        guard lines.first == "_HiStOrY_V2_" else { return nil }
        return Array(lines.dropFirst())
    }

    @Test func savedAfterEveryEntryWithoutRepeatsOrBlankLedLines() throws {
        let path = temporaryDirectory() + "/deep/er/history"
        let editor = try #require(LineEditor(historyPath: path))
        editor.addHistory("ExInitializeRundownProtection R")
        // The directory was created and the file written by the first entry.
        #expect(entries(path) == ["ExInitializeRundownProtection R"])
        editor.addHistory("ExAcquireRundownProtection R")
        editor.addHistory("ExAcquireRundownProtection R")
        editor.addHistory(" .show R")
        editor.addHistory("")
        editor.addHistory("ExInitializeRundownProtection R")
        #expect(
            entries(path) == [
                "ExInitializeRundownProtection R", "ExAcquireRundownProtection R",
                "ExInitializeRundownProtection R",
            ])
    }

    @Test func keepsTheLast1000Entries() throws {
        let path = temporaryDirectory() + "/history"
        let editor = try #require(LineEditor(historyPath: path))
        for n in 1...1005 { editor.addHistory("ExAcquireRundownProtectionEx R \(n)") }
        let saved = try #require(entries(path))
        #expect(saved.count == 1000)
        #expect(saved.first == "ExAcquireRundownProtectionEx R 6")
        #expect(saved.last == "ExAcquireRundownProtectionEx R 1005")
    }

    @Test func aSecondEditorLoadsTheFile() throws {
        let path = temporaryDirectory() + "/history"
        do {
            let first = try #require(LineEditor(historyPath: path))
            first.addHistory("ExSizeOfRundownProtectionCacheAware")
        }
        let second = try #require(LineEditor(historyPath: path))
        second.addHistory(".handles")
        #expect(entries(path) == ["ExSizeOfRundownProtectionCacheAware", ".handles"])
    }
}

import Foundation
import Testing

/// Transcripts survive edits (issue 12 §1): every script in `scripts/` still passes after
/// `rdsh run --echo` rewrote it, and after blank and comment lines were inserted everywhere.
@Suite("Transcripts survive --echo and inserted lines", .timeLimit(.minutes(3)))
struct TranscriptRoundTripTests {
    /// A copy of `scripts/` in a temporary directory (so `.read` paths still resolve) and the
    /// relative paths of its test files.
    static func copyOfScripts() throws -> (root: URL, files: [String]) {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts")
        let root = try Rdsh.temporaryDirectory().appendingPathComponent("scripts")
        try FileManager.default.copyItem(at: source, to: root)
        let files = FileManager.default.enumerator(atPath: root.path)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".rdsh") && !$0.contains("inputs/") }.sorted()
        return (root, files)
    }

    @Test func echoOfEveryScriptPassesAsATest() throws {
        let (root, files) = try Self.copyOfScripts()
        #expect(files.count > 50)
        var echoed: [String] = []
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            // Metadata lines (#% processors:, skip:, ...) are the test's set-up, not output.
            let metadata = text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { $0.hasPrefix("#%") }.joined(separator: "\n")
            let result = try Rdsh.run(["run", "--echo", file], directory: root)
            let target = file.replacingOccurrences(of: ".rdsh", with: ".echo.rdsh")
            try (metadata + (metadata.isEmpty ? "" : "\n") + result.stdout).write(
                to: root.appendingPathComponent(target), atomically: true, encoding: .utf8)
            echoed.append(target)
        }
        let test = try Rdsh.run(["test"] + echoed, directory: root, timeout: 120)
        #expect(test.status == 0, "\(test.stdout.suffix(3000))\(test.stderr.suffix(1000))")
    }

    /// Every script typed into the REPL (`rdsh -i`, stdin piped) under `.record` gives a file
    /// that passes `rdsh test`.
    @Test func recordOfEveryScriptPassesAsATest() throws {
        let (root, files) = try Self.copyOfScripts()
        var recorded: [String] = []
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let metadata = lines.filter { $0.hasPrefix("#%") }.joined(separator: "\n")
            let typed = lines.filter { !$0.hasPrefix("#>") && !$0.hasPrefix("#!") }.joined(separator: "\n")
            let target = file.replacingOccurrences(of: ".rdsh", with: ".record.rdsh")
            let directory = root.appendingPathComponent(file).deletingLastPathComponent()
            let name = URL(fileURLWithPath: target).lastPathComponent
            let processors =
                metadata.split(separator: "\n").first { $0.hasPrefix("#% processors:") }
                .map {
                    ".processors " + $0.dropFirst("#% processors:".count).trimmingCharacters(in: .whitespaces)
                        + "\n"
                } ?? ""
            try Rdsh.run(
                ["-i"], stdin: ".record \(name)\n" + processors + typed + "\n",
                environment: ["RDSH_HISTORY": ""], directory: directory)
            let url = root.appendingPathComponent(target)
            var out = try String(contentsOf: url, encoding: .utf8)
            if !processors.isEmpty, out.hasPrefix(processors) { out.removeFirst(processors.count) }
            try (metadata + (metadata.isEmpty ? "" : "\n") + out).write(
                to: url, atomically: true, encoding: .utf8)
            recorded.append(target)
        }
        let test = try Rdsh.run(["test"] + recorded, directory: root, timeout: 120)
        #expect(test.status == 0, "\(test.stdout.suffix(3000))\(test.stderr.suffix(1000))")
    }

    @Test func insertedBlankAndCommentLinesChangeNoExpectation() throws {
        let (root, files) = try Self.copyOfScripts()
        for file in files {
            let url = root.appendingPathComponent(file)
            let lines = try String(contentsOf: url, encoding: .utf8).split(
                separator: "\n", omittingEmptySubsequences: false)
            // A comment at the top, and a blank line and a comment before every command line
            // (never between a command and its expectation lines).
            var edited = ["# inserted at the top", ""]
            for line in lines {
                let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
                if !trimmed.isEmpty && !trimmed.hasPrefix("#") {
                    edited += ["", "# inserted before a command"]
                }
                edited.append(String(line))
            }
            try edited.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        }
        let test = try Rdsh.run(["test", "."], directory: root, timeout: 120)
        #expect(test.status == 0, "\(test.stdout.suffix(3000))\(test.stderr.suffix(1000))")
        #expect(test.stdout.contains(" passed, 0 failed"))
    }
}

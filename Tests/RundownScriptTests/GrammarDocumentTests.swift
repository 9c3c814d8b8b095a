import Glibc
import RundownScript
import Testing

/// grammar.md must describe what the catalogues say: its generated sections are compared with
/// a fresh rendering. `RDSH_UPDATE_GRAMMAR=1` rewrites them instead of failing.
@Suite(.serialized) struct GrammarDocumentTests {
    static var path: String {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast(3)  // Tests/RundownScriptTests/GrammarDocumentTests.swift
        return (parts + ["grammar.md"]).joined(separator: "/")
    }

    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func write(_ text: String, to path: String) -> Bool {
        guard let file = fopen(path, "wb") else { return false }
        defer { fclose(file) }
        let bytes = Array(text.utf8)
        return fwrite(bytes, 1, bytes.count, file) == bytes.count
    }

    @Test func generatedSectionsAreCurrent() throws {
        let document = try #require(Self.read(Self.path), "grammar.md not found at \(Self.path)")
        let fresh = CatalogueMarkdown.refresh(document)
        if fresh != document, getenv("RDSH_UPDATE_GRAMMAR") != nil {
            #expect(Self.write(fresh, to: Self.path))
            return
        }
        #expect(
            fresh == document,
            "grammar.md is out of date: RDSH_UPDATE_GRAMMAR=1 swift test --filter GrammarDocumentTests")
        for (name, _) in CatalogueMarkdown.sections {
            #expect(document.contains("<!-- BEGIN GENERATED: \(name) -->"))
        }
    }

    @Test func everyCodeRoutineAndDirectiveIsDocumented() throws {
        let document = try #require(Self.read(Self.path))
        for code in DiagnosticCode.allCases {
            #expect(document.contains("#### \(code.rawValue)"), "\(code.rawValue)")
            #expect(document.contains(code.explanation), "\(code.rawValue) paragraph")
        }
        for routine in RoutineCatalogue.all {
            #expect(document.contains("#### \(routine.name)\n"), "\(routine.name)")
        }
        for directive in DirectiveCatalogue.all {
            #expect(document.contains("`\(directive.usage)`:"), "\(directive.name)")
        }
        for state in ["live", "waiting", "stale", "completed", "sweeping", "freed"] {
            #expect(document.contains("| `\(state)` |"), "state \(state)")
        }
    }

    @Test func limitsAndReservedWordsMatchTheParser() throws {
        let document = try #require(Self.read(Self.path))
        #expect(document.contains("longer than \(SourceText.maximumLineBytes) bytes"))
        for word in Parser.reservedWords where RoutineCatalogue.named(word) == nil {
            #expect(document.contains("`\(word)`"), "reserved word \(word)")
        }
    }

    /// Every line of every ```rdsh block parses: the examples in grammar.md are real scripts.
    @Test func rdshBlocksParse() throws {
        let document = try #require(Self.read(Self.path))
        var inBlock = false
        var blocks = 0
        for (index, line) in document.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("```") {
                inBlock = !inBlock && line == "```rdsh"
                if inBlock { blocks += 1 }
                continue
            }
            guard inBlock else { continue }
            if case .failure(let d) = Parser.parse(
                line: String(line), location: SourceLocation(file: "grammar.md", line: index + 1))
            {
                Issue.record("grammar.md:\(index + 1): \(d.headline)")
            }
        }
        #expect(blocks >= 21)
    }

    @Test func refreshIsIdempotent() {
        let skeleton = "a\n<!-- BEGIN GENERATED: codes -->\nold\n<!-- END GENERATED: codes -->\nb"
        let once = CatalogueMarkdown.refresh(skeleton)
        #expect(once != skeleton)
        #expect(CatalogueMarkdown.refresh(once) == once)
        #expect(once.hasPrefix("a\n<!-- BEGIN GENERATED: codes -->\n\n### "))
        #expect(once.hasSuffix("\n\n<!-- END GENERATED: codes -->\nb"))
    }
}

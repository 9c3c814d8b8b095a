import Glibc
import RundownScript
import Testing

/// The memo of parsed calls must be invisible: whatever a line parsed to first, and wherever,
/// a later parse of the same text at another place is what the parser itself says there.
@Suite struct ParseCacheTests {
    /// Every line of every script under scripts/ (the corpus of what users write).
    static func corpusLines() -> [String] {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast(3)  // Tests/RundownScriptTests/ParseCacheTests.swift
        let root = (parts + ["scripts"]).joined(separator: "/")
        var lines: [String] = []
        var pending = [root]
        while let directory = pending.popLast() {
            guard let handle = opendir(directory) else { continue }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name.hasPrefix(".") { continue }
                let path = directory + "/" + name
                if entry.pointee.d_type == UInt8(DT_DIR) {
                    pending.append(path)
                } else if name.hasSuffix(".rdsh"), let text = GrammarDocumentTests.read(path) {
                    lines += text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                }
            }
        }
        return lines
    }

    static func same(_ a: Parsed, _ b: Parsed) -> Bool {
        switch (a, b) {
        case (.success(let x), .success(let y)): x == y
        case (.failure(let x), .failure(let y)): x == y
        default: false
        }
    }

    @Test func aHitIsWhatTheParserSaysAtTheNewPlace() {
        let lines = Self.corpusLines()
        #expect(lines.count > 1000, "the corpus was not found")
        var cache = ParseCache()
        var hits = 0
        for (index, line) in lines.enumerated() {
            let first = SourceLocation(file: "a.rdsh", line: index + 1)
            let second = SourceLocation(file: "b.rdsh", line: index + 1000)
            #expect(
                Self.same(cache.parse(line: line, location: first), Parser.parse(line: line, location: first))
            )
            let again = cache.parse(line: line, location: second)
            #expect(Self.same(again, Parser.parse(line: line, location: second)), "\(line)")
            if case .success(.call) = again { hits += 1 }
        }
        #expect(hits > 500, "the corpus exercised too few calls: \(hits)")
    }

    @Test func itHoldsAtMostItsCapacity() {
        var cache = ParseCache()
        for n in 0..<(ParseCache.capacity * 3) {
            _ = cache.parse(line: "ExAcquireRundownProtection R\(n)", location: here)
            #expect(cache.count <= ParseCache.capacity)
        }
        #expect(cache.count > 0)
    }
}

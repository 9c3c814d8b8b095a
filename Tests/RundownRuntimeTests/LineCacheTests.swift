import Glibc
import RundownScript
import Testing

@_spi(Testing) @testable import RundownRuntime

/// The cache of call lines must be invisible: whatever a line parsed to first, and wherever, a
/// later line with the same bytes at another place runs as what the parser itself says there.
@Suite(.timeLimit(.minutes(1))) struct LineCacheTests {
    /// Every line of every script under scripts/ (the corpus of what users write).
    static func corpusLines() -> [String] {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast(3)  // Tests/RundownRuntimeTests/LineCacheTests.swift
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
                } else if name.hasSuffix(".rdsh"), case .success(let bytes) = ScriptFile.read(path) {
                    let text = String(decoding: bytes, as: UTF8.self)
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
        var cache = LineCache()
        var hits = 0
        for (index, line) in lines.enumerated() {
            let first = SourceLocation(file: "a.rdsh", line: index + 1)
            let second = SourceLocation(file: "b.rdsh", line: index + 1000)
            var text = line
            text.withUTF8 { bytes in
                if cache.lookup(bytes) == nil {
                    let parsed = cache.parse(text: line, bytes: bytes, location: first).parsed
                    #expect(Self.same(parsed, Parser.parse(line: line, location: first)), "\(line)")
                }
                guard let hit = cache.lookup(bytes) else {
                    if case .success(.call) = Parser.parse(line: line, location: second) {
                        Issue.record("a call line was not kept: \(line)")
                    }
                    return
                }
                hits += 1
                #expect(hit.text == line)
                // The session runs a hit at the new place with the cached call's column.
                var call = hit.call
                call.location = SourceLocation(
                    file: second.file, line: second.line, column: call.location.column)
                #expect(
                    Self.same(.success(.call(call)), Parser.parse(line: line, location: second)), "\(line)")
            }
        }
        #expect(hits > 500, "the corpus exercised too few calls: \(hits)")
    }

    @Test func itHoldsAtMostItsCapacity() {
        var cache = LineCache()
        for n in 0..<(LineCache.capacity * 3) {
            let line = "ExAcquireRundownProtection R\(n)"
            var utf8 = line
            utf8.withUTF8 { bytes in
                _ = cache.parse(text: line, bytes: bytes, location: SourceLocation(file: "a.rdsh", line: 1))
            }
            #expect(cache.count <= LineCache.capacity)
        }
        #expect(cache.count > 0)
    }

    @Test func linesThatDifferOnlyAfterTheirFirstWordsAreNotConfused() {
        var cache = LineCache()
        let lines = [
            "ExAcquireRundownProtection R", "ExAcquireRundownProtection S", "T: ExAcquireRundownProtection R",
            "ExAcquireRundownProtectionEx R 2", "ExAcquireRundownProtectionEx R 20",
        ]
        for line in lines {
            var utf8 = line
            utf8.withUTF8 { bytes in
                _ = cache.parse(text: line, bytes: bytes, location: SourceLocation(file: "a.rdsh", line: 1))
            }
        }
        for line in lines {
            var utf8 = line
            utf8.withUTF8 { bytes in #expect(cache.lookup(bytes)?.text == line) }
        }
    }

    /// A call line typed in the REPL that is too long for a file is not kept: a script line with
    /// the same bytes still gets LINE_TOO_LONG.
    @Test func aLineTooLongForAFileIsStillReportedThere() {
        let sink = CapturingSink()
        let session = Session(options: SessionOptions(watchdogSeconds: 5), sink: sink)
        let long = "ExInitializeRundownProtection R" + String(repeating: " ", count: 4100) + "# long"
        session.execute(line: long, location: SourceLocation(file: "<stdin>", line: 1))
        session.runScript(text: long + "\n", file: "long.rdsh")
        #expect(codes(sink.lines) == ["LINE_TOO_LONG"])
    }

    /// The same line, run again after the names it uses were rebound or reset, works on the
    /// objects the names mean now.
    @Test func aRepeatedLineFollowsItsNames() {
        let (lines, _, _) = transcript(
            """
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            ExReleaseRundownProtection R
            ExWaitForRundownProtectionRelease R
            ExAcquireRundownProtection R
            .reset
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            T: ExAcquireRundownProtection R
            .show R
            """)
        #expect(lines.filter { $0 == "TRUE" || $0 == "FALSE" } == ["TRUE", "FALSE", "TRUE", "TRUE"])
        #expect(lines.last == "R: state=live holders=2")
    }
}

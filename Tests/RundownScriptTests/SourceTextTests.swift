import RundownScript
import Testing

@Suite struct SourceTextTests {
    func split(_ bytes: [UInt8]) -> ([Line], [Diagnostic]) { SourceText.lines(of: bytes, file: "s.rdsh") }

    @Test func emptyFileHasNoLines() {
        let (lines, diagnostics) = split([])
        #expect(lines.isEmpty && diagnostics.isEmpty)
    }

    @Test func lfAndCrlfAndNoFinalNewline() {
        let (lines, diagnostics) = split(Array("a\r\nb\n\nc".utf8))
        #expect(diagnostics.isEmpty)
        #expect(lines.map(\.text) == ["a", "b", "", "c"])
        #expect(lines.map(\.number) == [1, 2, 3, 4])
        #expect(split(Array("a\n".utf8)).0.map(\.text) == ["a"])
        #expect(split(Array("\n".utf8)).0.map(\.text) == [""])
    }

    @Test func byteOrderMarkIsSkipped() {
        #expect(
            split([0xEF, 0xBB, 0xBF] + Array("ExAcquireRundownProtection R".utf8)).0.first?.text
                == "ExAcquireRundownProtection R")
    }

    @Test func invalidUTF8IsOneDiagnosticForThatLine() {
        let bytes = Array("ok\n".utf8) + Array("ExAcquire".utf8) + [0xC3, 0x28] + Array(" R\nnext\n".utf8)
        let (lines, diagnostics) = split(bytes)
        #expect(lines.count == 3)
        #expect(lines[0].diagnostic == nil && lines[2].diagnostic == nil)
        let d = lines[1].diagnostic
        #expect(d?.code == .encoding)
        #expect(d?.location == SourceLocation(file: "s.rdsh", line: 2, column: 10))
        #expect(d?.message.contains("0xC3") == true)
        #expect(diagnostics.count == 1)
        #expect(lines[1].text.contains("\u{FFFD}"))
    }

    @Test func invalidSequencesAreCaught() {
        for bad: [UInt8] in [
            [0x80], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5],
            [0xE2, 0x82],
        ] {
            let (lines, _) = split(Array("x ".utf8) + bad)
            #expect(lines.first?.diagnostic?.code == .encoding, "\(bad)")
            #expect(lines.first?.diagnostic?.location?.column == 3, "\(bad)")
        }
        let (good, _) = split(Array("é € 😀".utf8))
        #expect(good.first?.diagnostic == nil)
    }

    @Test func binaryFileIsOneDiagnostic() {
        let (lines, diagnostics) = split(Array("line one\nab".utf8) + [0, 1, 2] + Array("\nmore".utf8))
        #expect(lines.isEmpty)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.code == .encoding)
        #expect(diagnostics.first?.message.contains("binary") == true)
        #expect(diagnostics.first?.location == SourceLocation(file: "s.rdsh", line: 2, column: 3))
    }

    @Test func utf16IsNamed() {
        let bytes: [UInt8] = [0xFF, 0xFE] + Array("R".utf8) + [0]
        let (lines, diagnostics) = split(bytes)
        #expect(lines.isEmpty)
        #expect(diagnostics.map(\.code) == [.encoding])
        #expect(diagnostics.first?.message.contains("UTF-16") == true)
    }

    @Test func longLines() {
        let ok = [UInt8](repeating: 0x41, count: SourceText.maximumLineBytes)
        #expect(split(ok).0.first?.diagnostic == nil)
        let long = [UInt8](repeating: 0x41, count: SourceText.maximumLineBytes + 1) + Array("\nnext".utf8)
        let (lines, diagnostics) = split(long)
        #expect(lines.count == 2)
        #expect(lines[0].diagnostic?.code == .lineTooLong)
        #expect(lines[0].diagnostic?.location?.column == 4097)
        #expect(diagnostics.count == 1)
        // The CR of a CRLF ending does not count.
        #expect(split(ok + [0x0D, 0x0A]).0.first?.diagnostic == nil)
    }

    @Test func singleLineHelper() {
        #expect(SourceText.line(Array("abc\r\n".utf8), number: 3, file: "f").text == "abc")
        #expect(SourceText.line([0xFF], number: 3, file: "f").diagnostic?.code == .encoding)
    }
}

@Suite struct RendererTests {
    let diagnostic = Diagnostic(
        .syntax, "missing argument Count for ExAcquireRundownProtectionEx",
        location: SourceLocation(file: "s.rdsh", line: 4, column: 31), length: 1,
        notes: ["usage: ExAcquireRundownProtectionEx RunRef Count"])

    @Test func transcriptFormHasNoLocation() {
        #expect(
            DiagnosticRenderer.transcript(diagnostic) == [
                "error[SYNTAX]: missing argument Count for ExAcquireRundownProtectionEx",
                "note: usage: ExAcquireRundownProtectionEx RunRef Count",
            ])
        let warning = Diagnostic(.poolLeak, "C leaked")
        #expect(warning.headline == "warning[POOL_LEAK]: C leaked")
        #expect(Diagnostic(.poolLeak, "x", severity: .error).headline == "error[POOL_LEAK]: x")
    }

    @Test func terminalFormHasLocationSourceAndCaret() {
        #expect(
            DiagnosticRenderer.terminal(diagnostic, sourceLine: "ExAcquireRundownProtectionEx R") == [
                "s.rdsh:4:31: error[SYNTAX]: missing argument Count for ExAcquireRundownProtectionEx",
                "    ExAcquireRundownProtectionEx R",
                "                                  ^",
                "note: usage: ExAcquireRundownProtectionEx RunRef Count",
            ])
    }

    @Test func caretCoversTheTokenAndKeepsTabs() {
        let d = Diagnostic(
            .unknownHandle, "unknown handle 'Q'", location: SourceLocation(file: "f", line: 1, column: 4),
            length: 3)
        let lines = DiagnosticRenderer.terminal(d, sourceLine: "\tX QQQ")
        #expect(lines[2] == "    \t  ^^^")
    }

    @Test func noLocationNoExcerpt() {
        let d = Diagnostic(.deadlock, "W is blocked", notes: ["R: 1 outstanding"])
        #expect(
            DiagnosticRenderer.terminal(d, sourceLine: "x") == [
                "error[DEADLOCK]: W is blocked", "note: R: 1 outstanding",
            ])
    }

    @Test func longSourceLinesAreCutAroundTheCaret() {
        let line = String(repeating: "a", count: 5000) + " BAD"
        let d = Diagnostic(
            .syntax, "x", location: SourceLocation(file: "f", line: 1, column: 5002), length: 3)
        let lines = DiagnosticRenderer.terminal(d, sourceLine: line)
        #expect(lines[1].count < 140)
        let caretOffset = lines[2].firstIndex(of: "^").map {
            lines[2].distance(from: lines[2].startIndex, to: $0)
        }
        let badOffset = lines[1].firstIndex(of: "B").map {
            lines[1].distance(from: lines[1].startIndex, to: $0)
        }
        #expect(caretOffset == badOffset)
    }

    @Test func parserDiagnosticsRenderUnderTheirToken() {
        let line = "ExAcquireRundownProtectionEx R 4294967296"
        guard
            case .failure(let d) = Parser.parse(line: line, location: SourceLocation(file: "s.rdsh", line: 2))
        else {
            Issue.record("accepted")
            return
        }
        let text = DiagnosticRenderer.terminal(d, sourceLine: line)
        #expect(text[0] == "s.rdsh:2:32: error[COUNT_OUT_OF_RANGE]: Count 4294967296 does not fit a ULONG")
        #expect(text[2] == "    " + String(repeating: " ", count: 31) + "^^^^^^^^^^")
    }
}

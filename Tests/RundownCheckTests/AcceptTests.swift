import Testing

@testable import RundownCheck

@Suite(.timeLimit(.minutes(1))) struct AcceptTests {
    /// Accepting, then comparing the rewritten file with the same transcript, passes.
    func roundTrip(_ text: String) -> String {
        let c = compare(text)
        let accepted = c.acceptedText()
        let again = compare(accepted)
        #expect(again.passes, "accepted text does not pass:\n\(accepted)")
        #expect(again.acceptedText() == accepted)
        return accepted
    }

    @Test func rewritesWrongLinesInPlace() {
        #expect(
            roundTrip("say TRUE\n#> FALSE\n# prose stays\nsay x\n#> x\n")
                == "say TRUE\n#> TRUE\n# prose stays\nsay x\n#> x\n")
    }

    @Test func addsMissingExpectationsUnderTheCommand() {
        #expect(
            roundTrip("say a\nwarn error[X]: y\n# end\n")
                == "say a\n#> a\nwarn error[X]: y\n#! error[X]: y\n# end\n")
    }

    @Test func dropsExpectationsNothingProduced() {
        #expect(roundTrip("nothing\n#> ghost\n#! ghost\n") == "nothing\n")
    }

    @Test func keepsPatternLinesThatStillMatch() {
        let text = "say holders=3|new|z\n#> holders={{[0-9]+}}\n#> old\n"
        #expect(roundTrip(text) == "say holders=3|new|z\n#> holders={{[0-9]+}}\n#> new\n#> z\n")
        let wild = "say holders=3|new|z\n#> holders={{[0-9]+}}\n#> ...\n#> old\n"
        #expect(roundTrip(wild) == "say holders=3|new|z\n#> holders={{[0-9]+}}\n#> ...\n")
    }

    @Test func passingFilesAreUnchanged() {
        let text = "# doc\nsay a\n#> a   \n\n# trailing prose"
        #expect(compare(text).acceptedText() == text)
    }

    @Test func endOfScriptReportsGoAfterTheLastCommand() {
        #expect(
            roundTrip("say a\n#> a\nlater error[DEADLOCK]: stuck\n")
                == "say a\n#> a\nlater error[DEADLOCK]: stuck\n#! error[DEADLOCK]: stuck\n")
    }

    @Test func keepsCRLFAndAMissingFinalNewline() {
        let crlf = TestScript(bytes: Array("say a\r\n#> b\r\n".utf8), path: "x")
        let c = Comparison(
            script: crlf, transcript: [TranscriptLine(kind: .output, text: "a", sourceLine: 1)])
        #expect(c.acceptedText() == "say a\r\n#> a\r\n")
        #expect(roundTrip("say a") == "say a\n#> a")
    }

    @Test func keepsAByteOrderMark() {
        let bom = TestScript(bytes: [0xEF, 0xBB, 0xBF] + Array("# doc\nsay a\n".utf8), path: "x")
        #expect(bom.lines == ["# doc", "say a"])
        #expect(bom.blocks.count == 2)
        let c = Comparison(script: bom, transcript: [TranscriptLine(kind: .output, text: "a", sourceLine: 2)])
        #expect(Array(c.acceptedText().utf8) == [0xEF, 0xBB, 0xBF] + Array("# doc\nsay a\n#> a\n".utf8))
    }

    @Test func emptyOutputLineBecomesABarePrefix() {
        #expect(roundTrip("say  \n") == "say  \n#>\n")
    }
}

/// An engine whose output differs on every run: `--accept` can never converge on it.
final class ChangingEngine: ScriptEngine, @unchecked Sendable {
    private var runs = 0
    func run(_ script: TestScript, bytes: [UInt8]) -> EngineRun {
        runs += 1
        return EngineRun(transcript: [TranscriptLine(kind: .output, text: "run \(runs)", sourceLine: 1)])
    }
}

@Suite(.timeLimit(.minutes(1))) struct AcceptLimitTests {
    /// Output that changes on every run: accept gives up, says where and why, and leaves the
    /// file byte for byte as it was.
    @Test func acceptThatCannotConvergeSaysWhereAndLeavesTheFile() {
        let dir = Scratch()
        let text = "say\n#> run 0\n"
        let path = dir.write("n.rdsh", text)
        var options = TestOptions()
        options.accept = true
        options.writeActual = false
        let result = TestRunner.check(path: path, options: options, engine: ChangingEngine())
        #expect(result.outcome == .failed)
        let notes = result.failures.first?.notes ?? []
        #expect(
            notes.contains {
                $0.hasPrefix(
                    "--accept gave up after \(TestRunner.maximumAcceptPasses) passes: the output at line 2")
            }, "\(notes)")
        #expect(dir.read("n.rdsh") == text)
    }

    /// Bytes that are not UTF-8 on lines accept does not rewrite come back unchanged.
    @Test func acceptedBytesKeepInvalidUTF8AndEachLinesEnding() {
        let bytes: [UInt8] =
            Array("say x\r\n#> y\r\n# \u{0}".utf8).dropLast() + [0xFF, 0x0A] + Array("say z\n".utf8)
        let script = TestScript(bytes: bytes, path: "b.rdsh")
        let c = Comparison(script: script, transcript: FakeEngine().run(script, bytes: bytes).transcript)
        #expect(
            c.acceptedBytes()
                == Array("say x\r\n#> x\r\n# ".utf8) + [0xFF, 0x0A] + Array("say z\n#> z\n".utf8))
    }
}

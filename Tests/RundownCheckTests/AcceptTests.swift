import Testing

@testable import RundownCheck

@Suite struct AcceptTests {
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

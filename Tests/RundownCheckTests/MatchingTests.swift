import Testing

@testable import RundownCheck

@Suite(.timeLimit(.minutes(1))) struct MatchingTests {
    @Test func literalMatchPasses() {
        #expect(compare("say TRUE\n#> TRUE\nwarn error[X]: y\n#! error[X]: y\n").passes)
    }

    @Test func trailingBlanksAreIgnoredOnBothSides() {
        #expect(compare("say TRUE   \n#> TRUE\t \n").passes)
    }

    @Test func wrongTextFails() {
        let c = compare("say TRUE\n#> FALSE\n")
        #expect(!c.passes)
        #expect(c.failures.count == 1)
        #expect(c.failures[0].line == 2)
    }

    @Test func unexpectedOutputFails() {
        let c = compare("say TRUE\n")
        #expect(!c.passes)
        #expect(c.failures[0].got == ["#> TRUE"])
    }

    @Test func missingOutputFails() {
        #expect(!compare("nothing\n#> TRUE\n").passes)
    }

    @Test func outputAndDiagnosticKindsDoNotMix() {
        #expect(!compare("say error[X]: y\n#! error[X]: y\n").passes)
        #expect(!compare("warn TRUE\n#> TRUE\n").passes)
    }

    @Test func orderMatters() {
        #expect(!compare("say a\nsay b\n#> b\n#> a\n").passes)
        #expect(!compare("say a\n#> a\n#> b\nsay b\n").passes)
    }

    @Test func regexIslands() {
        #expect(compare("say holders=12 word=0x18\n#> holders={{[0-9]+}} word={{0x[0-9a-f]+}}\n").passes)
        #expect(!compare("say holders=x\n#> holders={{[0-9]+}}\n").passes)
    }

    @Test func literalPartsAroundIslandsAreNotRegex() {
        #expect(!compare("say axb 1\n#> a.b {{[0-9]}}\n").passes)
        #expect(compare("say a.b (1)\n#> a.b ({{[0-9]}})\n").passes)
    }

    @Test func literalMatchIsTriedBeforeTheRegex() {
        #expect(compare("say {{x}}\n#> {{x}}\n").passes)
    }

    @Test func aBadRegexIsAProblemOfTheFile() {
        let c = compare("say a\n#> {{(}}\n")
        #expect(!c.passes)
        #expect(c.problems.first?.line == 2)
    }

    @Test func wildcardMatchesAnyNumberOfLinesOfItsKind() {
        #expect(compare("say a\n#> ...\n").passes)
        #expect(compare("nothing here\n#> ...\n").passes)
        #expect(compare("say a|b|c\n#> a\n#> ...\n#> c\n").passes)
        #expect(!compare("say a|b|c\n#> a\n#> ...\n#> d\n").passes)
        // `#> ...` does not swallow diagnostics.
        #expect(!compare("warn error[X]: y\n#> ...\n").passes)
        #expect(compare("warn error[X]: y|note: a|note: b\n#! error[X]: y\n#! ...\n").passes)
    }

    @Test func aBareExpectationIsAnEmptyLine() {
        #expect(compare("say  \n#>\n").passes)
        #expect(!compare("say x\n#>\n").passes)
    }

    @Test func endOfScriptReportsMatchTheLinesAfterTheLastCommand() {
        let text = "say a\n#> a\nlater error[DEADLOCK]: stuck\n#! error[DEADLOCK]: stuck\n"
        #expect(compare(text).passes)
        let missing = compare("say a\n#> a\nlater error[DEADLOCK]: stuck\n")
        #expect(!missing.passes)
        #expect(missing.failures[0].message == "end-of-script report mismatch")
    }

    @Test func aScriptWithoutCommandsTakesEndReportsInItsPreamble() {
        let script = TestScript(text: "# only prose\n#! error[X]: end\n", path: "x")
        let c = Comparison(
            script: script,
            transcript: [TranscriptLine(kind: .diagnostic, text: "error[X]: end", sourceLine: nil)])
        #expect(c.passes)
    }

    @Test func expectationsBeforeTheFirstCommandFailWhenNothingMatchesThem() {
        #expect(!compare("#> stray\nsay a\n#> a\n").passes)
    }

    @Test func outputOfACommandGoesOnlyToItsOwnBlock() {
        // `a` printed by line 1 cannot satisfy an expectation under line 2.
        #expect(!compare("say a\nnothing\n#> a\n").passes)
    }

    @Test func aHugeBlockStillGetsAVerdict() {
        let many = String(repeating: "say x\n", count: 3000)
        let expected = many + String(repeating: "", count: 0)
        #expect(!compare(expected).passes)
        var ok = ""
        for _ in 0..<3000 { ok += "say x\n#> x\n" }
        #expect(compare(ok).passes)
    }
}

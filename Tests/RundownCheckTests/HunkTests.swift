import Testing

@testable import RundownCheck

@Suite(.timeLimit(.minutes(1))) struct HunkTests {
    @Test func hunkShowsContextAndNumberedMinusPlusLines() {
        let c = compare(
            """
            # a script
            say one
            #> one
            say TRUE
            #> FALSE
            say after
            #> after
            """)
        #expect(c.failures.count == 1)
        let f = c.failures[0]
        #expect(f.line == 5)
        #expect(f.message == "output mismatch for 'say TRUE' (line 4)")
        #expect(
            f.hunk == [
                "   2 | say one",
                "   3 | #> one",
                "   4 | say TRUE",
                " - 5 | #> FALSE",
                " + 5 | #> TRUE",
            ])
    }

    @Test func unexpectedLinesAreNumberedWhereTheyWouldGo() {
        let c = compare("say a\nsay b|c\n#> c\n")
        let g = c.failures[0]
        #expect(g.hunk == ["   1 | say a", " + 2 | #> a"])
        #expect(g.line == 2)
        let f = c.failures[1]
        #expect(f.line == 3)
        #expect(f.hunk == ["   1 | say a", "   2 | say b|c", " + 3 | #> b", "   3 | #> c"])
    }

    @Test func wildcardAndMatchedLinesAreContext() {
        let c = compare("say a|b\n#> ...\n#> c\n")
        #expect(c.failures[0].hunk == ["   1 | say a|b", "   2 | #> ...", " - 3 | #> c"])
        let d = compare("say a|b|x\n#> a\n#> c\n#> x\n")
        #expect(
            d.failures[0].hunk == [
                "   1 | say a|b|x", "   2 | #> a", " - 3 | #> c", " + 3 | #> b", "   4 | #> x",
            ])
    }

    @Test func longHunksAreCut() {
        var text = "say 0\n"
        for i in 1...200 { text += "#> line \(i)\n" }
        let f = compare(text).failures[0]
        #expect(f.hunk.count < 80)
        #expect(f.hunk.last?.contains("more changed lines not shown") == true)
    }
}

import Testing

@testable import RundownCheck

@Suite(.timeLimit(.minutes(1))) struct ReportTests {
    func failed() -> FileResult {
        let c = compare("say TRUE\n#> FALSE\n")
        return FileResult(
            path: "dir/a #1.rdsh", outcome: .failed, failures: c.failures, transcript: c.actual.flatMap { $0 }
        )
    }

    @Test func summaryLine() {
        var s = Summary(results: [FileResult(path: "a", outcome: .passed), failed()], seconds: 0)
        #expect(s.line == "1 passed, 1 failed")
        #expect(s.exitStatus == 1)
        s.results.append(FileResult(path: "c", outcome: .skipped("why")))
        s.results.append(FileResult(path: "d", outcome: .expectedFailure("known")))
        #expect(s.line == "2 passed, 1 failed, 1 skipped")
        s.results.removeAll { $0.isFailure }
        #expect(s.exitStatus == 0)
        s.results.append(FileResult(path: "e", outcome: .unexpectedPass("known")))
        #expect(s.exitStatus == 1)
    }

    @Test func textReportOfAFailure() {
        let lines = TextReport.lines(for: failed(), verbosity: .normal)
        #expect(lines[0].hasPrefix("FAIL dir/a #1.rdsh"))
        #expect(lines[1] == "dir/a #1.rdsh:2: error: output mismatch for 'say TRUE' (line 1)")
        #expect(lines.contains(" - 2 | #> FALSE"))
        #expect(lines.contains(" + 2 | #> TRUE"))
        #expect(TextReport.lines(for: FileResult(path: "p", outcome: .passed), verbosity: .normal).isEmpty)
        #expect(TextReport.lines(for: failed(), verbosity: .quiet).isEmpty)
    }

    @Test func aFileWithManyMismatchesIsCut() {
        let c = compare(String(repeating: "say a\n", count: 30))
        #expect(c.failures.count == 30)
        let lines = TextReport.failureLines(FileResult(path: "m", outcome: .failed, failures: c.failures))
        #expect(lines.filter { $0.hasPrefix("m:") }.count == TextReport.maximumReportedBlocks)
        #expect(lines.last == "note: 5 more mismatching commands in m not shown")
    }

    @Test func footerEndsWithTheSummary() {
        let s = Summary(results: [failed()], seconds: 0)
        #expect(TextReport.footer(s) == ["Failed:", "  dir/a #1.rdsh:2", "0 passed, 1 failed"])
    }

    @Test func tapLines() {
        #expect(TAPReport.header(count: 2) == ["TAP version 14", "1..2"])
        #expect(
            TAPReport.lines(for: FileResult(path: "a.rdsh", outcome: .passed), number: 1) == ["ok 1 - a.rdsh"]
        )
        #expect(
            TAPReport.lines(for: FileResult(path: "s.rdsh", outcome: .skipped("later")), number: 3) == [
                "ok 3 - s.rdsh # SKIP later"
            ])
        #expect(
            TAPReport.lines(for: FileResult(path: "x.rdsh", outcome: .expectedFailure("bug 7")), number: 4)
                .first == "not ok 4 - x.rdsh # TODO bug 7")
        #expect(
            TAPReport.lines(for: FileResult(path: "x.rdsh", outcome: .unexpectedPass("bug 7")), number: 5)
                .first == "not ok 5 - x.rdsh")
        let lines = TAPReport.lines(for: failed(), number: 2)
        #expect(lines[0] == "not ok 2 - dir/a \\#1.rdsh")
        #expect(lines[1] == "  ---")
        #expect(lines.contains("  message: \"output mismatch for 'say TRUE' (line 1)\""))
        #expect(lines.contains("    line: 2"))
        #expect(lines.contains("  expected: |"))
        #expect(lines.contains("    #> FALSE"))
        #expect(lines.contains("  got: |"))
        #expect(lines.contains("    #> TRUE"))
        #expect(lines.last == "  ...")
    }

    @Test func tapQuotesYAMLStrings() {
        #expect(TAPReport.quoted("a \"b\" \\ \u{1}") == "\"a \\\"b\\\" \\\\ \\x01\"")
    }

    @Test func junitEscapesEverything() {
        #expect(JUnitReport.escape("<a & \"b\">") == "&lt;a &amp; \"b\"&gt;")
        #expect(JUnitReport.escape("x\"y\nz", attribute: true) == "x&quot;y&#10;z")
        #expect(JUnitReport.escape("bad\u{1}char") == "bad\u{FFFD}char")
        #expect(JUnitReport.className("scripts/misuse/a.rdsh") == "scripts.misuse")
        #expect(JUnitReport.className("a.rdsh") == "rdsh")
    }

    @Test func junitDocumentCountsAndCases() {
        let s = Summary(
            results: [
                FileResult(path: "a.rdsh", outcome: .passed), failed(),
                FileResult(path: "s.rdsh", outcome: .skipped("no")),
                FileResult(
                    path: "e.rdsh", outcome: .error(line: nil, message: "cannot read file: Permission denied")
                ),
            ], seconds: 1.5)
        let xml = JUnitReport.document(s)
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"))
        #expect(xml.contains("tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\" time=\"1.500\""))
        #expect(xml.contains("<testcase name=\"a.rdsh\" classname=\"rdsh\" file=\"a.rdsh\" time=\"0.000\"/>"))
        #expect(xml.contains("<failure message=\"dir/a #1.rdsh:2: output mismatch for 'say TRUE' (line 1)\""))
        #expect(xml.contains("<skipped message=\"no\"/>"))
        #expect(xml.contains("<error message=\"cannot read file: Permission denied\""))
    }
}

import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `rdsh test` through the built executable: verdicts, hunks, --accept, reports, exit codes.
@Suite(.timeLimit(.minutes(1))) struct TestCommandTests {
    /// A directory with script files, removed when the test ends.
    final class Dir {
        let url: URL
        init() throws { url = try Rdsh.temporaryDirectory() }
        deinit { try? FileManager.default.removeItem(at: url) }

        var path: String { url.path }

        func write(_ name: String, _ text: String) throws {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }

        func read(_ name: String) throws -> String {
            try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
        }

        func exists(_ name: String) -> Bool {
            FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path)
        }

        /// `rdsh test ARGS` run inside this directory.
        func test(_ arguments: [String], environment: [String: String] = [:]) throws -> Rdsh.Result {
            try Rdsh.run(["test"] + arguments, environment: environment, directory: url)
        }
    }

    static let passing = """
        # acquire and release
        ExInitializeRundownProtection R
        ExAcquireRundownProtection R
        #> TRUE
        .show R
        #> R: state=live holders={{[0-9]+}}
        ExReleaseRundownProtection R
        ExReleaseRundownProtection R
        #! error[RELEASE_WITHOUT_ACQUIRE]: {{.*}}
        #! ...

        """

    static let failing = """
        # hunk demo
        ExInitializeRundownProtection R
        ExAcquireRundownProtection R
        #> FALSE
        ExReleaseRundownProtection R

        """

    func lastLine(_ text: String) -> String {
        text.split(separator: "\n").last.map(String.init) ?? ""
    }

    // MARK: - Verdicts and exit codes

    @Test func passingScriptExitsZero() throws {
        let dir = try Dir()
        try dir.write("ok.rdsh", Self.passing)
        let r = try dir.test(["ok.rdsh"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(lastLine(r.stdout) == "1 passed, 0 failed")
        #expect(!dir.exists("ok.rdsh.actual"))
    }

    @Test func failingScriptShowsANumberedHunkAndTheHandleState() throws {
        let dir = try Dir()
        try dir.write("demo.rdsh", Self.failing)
        let r = try dir.test(["demo.rdsh"])
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("FAIL demo.rdsh") == true)
        let start = try #require(
            lines.firstIndex(
                of: "demo.rdsh:4: error: output mismatch for 'ExAcquireRundownProtection R' (line 3)"))
        #expect(
            Array(lines[(start + 1)...(start + 6)]) == [
                "   1 | # hunk demo",
                "   2 | ExInitializeRundownProtection R",
                "   3 | ExAcquireRundownProtection R",
                " - 4 | #> FALSE",
                " + 4 | #> TRUE",
                "note: R: state=live holders=1",
            ])
        #expect(r.stdout.contains("note: actual output written to demo.rdsh.actual"))
        #expect(lastLine(r.stdout) == "0 passed, 1 failed")
        // The .actual file is the script as --accept would write it.
        #expect(try dir.read("demo.rdsh.actual").contains("ExAcquireRundownProtection R\n#> TRUE\n"))
    }

    @Test func unexpectedOutputAndUnexpectedErrorsFail() throws {
        let dir = try Dir()
        try dir.write("a.rdsh", "ExInitializeRundownProtection R\nExAcquireRundownProtection R\n")
        try dir.write("b.rdsh", "ExReleaseRundownProtection Nope\n")
        let r = try dir.test(["a.rdsh", "b.rdsh"])
        #expect(r.status == 1)
        #expect(r.stdout.contains(" + 3 | #> TRUE"))
        #expect(r.stdout.contains(" + 2 | #! error["))
        #expect(lastLine(r.stdout) == "0 passed, 2 failed")
    }

    @Test func executionGoesOnAfterAnErrorSoEveryMismatchIsReported() throws {
        let dir = try Dir()
        try dir.write(
            "two.rdsh",
            "ExReleaseRundownProtection Nope\nExInitializeRundownProtection R\nExAcquireRundownProtection R\n#> FALSE\n"
        )
        let r = try dir.test(["two.rdsh"])
        #expect(
            r.stdout.contains(
                "two.rdsh:2: error: output mismatch for 'ExReleaseRundownProtection Nope' (line 1)"))
        #expect(
            r.stdout.contains(
                "two.rdsh:4: error: output mismatch for 'ExAcquireRundownProtection R' (line 3)"))
    }

    @Test func endOfScriptReportsMatchTheLinesAtTheEnd() throws {
        let dir = try Dir()
        let script = """
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            #> TRUE
            W: ExWaitForRundownProtectionRelease R
            #> [W] blocked in ExWaitForRundownProtectionRelease R
            #> ...
            # The script ends with W still waiting:
            #! error[DEADLOCK]: {{.*}}
            #! ...

            """
        try dir.write("deadlock.rdsh", script)
        let ok = try dir.test(["deadlock.rdsh"])
        #expect(ok.status == 0, "\(ok.stdout)")
        try dir.write(
            "deadlock.rdsh", script.replacingOccurrences(of: "#! error[DEADLOCK]: {{.*}}\n#! ...\n", with: "")
        )
        let bad = try dir.test(["deadlock.rdsh"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("error: end-of-script report mismatch"))
        #expect(bad.stdout.contains("#! error[DEADLOCK]"))
        // The handle's state is the one right after the last command, before the session
        // released the blocked wait at the end.
        #expect(bad.stdout.contains("note: R: state=waiting"))
    }

    @Test func exitCodeTwoForUsageErrors() throws {
        let dir = try Dir()
        try dir.write("ok.rdsh", Self.passing)
        let badFlag = try dir.test(["--frobnicate", "ok.rdsh"])
        #expect(badFlag.status == 2)
        #expect(badFlag.stderr.contains("unknown option '--frobnicate'"))
        let missing = try dir.test(["no-such-dir"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such file or directory: no-such-dir"))
        #expect(try dir.test([]).status == 2)
        #expect(try dir.test(["-j", "zero", "ok.rdsh"]).status == 2)
        #expect(try dir.test(["--filter", "(", "ok.rdsh"]).status == 2)
        let help = try dir.test(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--accept"))
        // A folder without scripts, or a filter that selects nothing, is not a pass.
        try dir.write("empty/readme.txt", "not a script\n")
        let empty = try dir.test(["empty"])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("error: no test files (*.rdsh) found in empty"))
        let nothing = try dir.test(["--filter", "zzz", "ok.rdsh"])
        #expect(nothing.status == 2)
        #expect(nothing.stderr.contains("matching --filter 'zzz'"))
        #expect(try dir.test(["--force", "ok.rdsh"]).status == 2)
    }

    /// `rdsh help test` is ArgumentParser's help: one USAGE line, options not re-wrapped prose.
    @Test func helpTestIsOneCleanScreen() throws {
        let help = try Rdsh.run(["help", "test"])
        #expect(help.status == 0)
        #expect(help.stdout.components(separatedBy: "USAGE:").count == 2, "\(help.stdout)")
        #expect(help.stdout.contains("  -j, --jobs <N>"))
        #expect(help.stdout.contains("  --filter-out <REGEX>"))
        // The completion script knows the options of rdsh test.
        let bash = try Rdsh.run(["--generate-completion-script", "bash"])
        #expect(bash.status == 0)
        #expect(bash.stdout.contains("--filter-out"))
        #expect(bash.stdout.contains("--no-actual"))
    }

    // MARK: - --accept

    @Test func acceptRoundTrip() throws {
        let dir = try Dir()
        let original = """
            # Prose stays where it is.
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            #> FALSE
            # between commands
            .show R
            #> R: state={{[a-z]+}} holders=1
            W: ExWaitForRundownProtectionRelease R
            ExReleaseRundownProtection R

            """
        try dir.write("a.rdsh", original)
        let accepted = try dir.test(["--accept", "a.rdsh"])
        #expect(accepted.status == 0, "\(accepted.stdout)")
        #expect(accepted.stdout.contains("ACCEPTED a.rdsh"))
        let rewritten = try dir.read("a.rdsh")
        #expect(
            rewritten.hasPrefix(
                "# Prose stays where it is.\nExInitializeRundownProtection R\nExAcquireRundownProtection R\n#> TRUE\n# between commands\n.show R\n#> R: state={{[a-z]+}} holders=1\n"
            ))
        #expect(rewritten.contains("#> [W] blocked in ExWaitForRundownProtectionRelease R\n"))
        #expect(rewritten.contains("#> [W] returned from ExWaitForRundownProtectionRelease R\n"))
        // Accepted: the file now passes, and a second run leaves it byte for byte unchanged.
        let again = try dir.test(["a.rdsh"])
        #expect(again.status == 0, "\(again.stdout)")
        #expect(lastLine(again.stdout) == "1 passed, 0 failed")
        _ = try dir.test(["--accept", "a.rdsh"])
        #expect(try dir.read("a.rdsh") == rewritten)
    }

    @Test func acceptIsRefusedUnderCIUnlessForced() throws {
        let dir = try Dir()
        try dir.write("demo.rdsh", Self.failing)
        let refused = try dir.test(["--accept", "demo.rdsh"], environment: ["CI": "true"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("CI"))
        #expect(try dir.read("demo.rdsh") == Self.failing)
        let forced = try dir.test(["--accept", "--force", "demo.rdsh"], environment: ["CI": "true"])
        #expect(forced.status == 0)
        #expect(try dir.read("demo.rdsh") != Self.failing)
        // Without --accept, CI changes nothing.
        #expect(try dir.test(["demo.rdsh"], environment: ["CI": "true"]).status == 0)
    }

    // MARK: - Selection and order

    @Test func filterSelectsByPath() throws {
        let dir = try Dir()
        try dir.write("t/acquire.rdsh", Self.passing)
        try dir.write("t/broken.rdsh", Self.failing)
        let r = try dir.test(["--filter", "acq", "t"])
        #expect(r.status == 0)
        #expect(lastLine(r.stdout) == "1 passed, 0 failed")
        let all = try dir.test(["-v", "t"])
        #expect(all.status == 1)
        #expect(all.stdout.contains("PASS t/acquire.rdsh"))
        #expect(lastLine(all.stdout) == "1 passed, 1 failed")
    }

    @Test func parallelRunsReportInAStableOrder() throws {
        let dir = try Dir()
        for i in 0..<24 {
            try dir.write(String(format: "many/f%02d.rdsh", i), i % 2 == 0 ? Self.passing : Self.failing)
        }
        let one = try dir.test(["-j", "1", "many"])
        let eight = try dir.test(["-j", "8", "many"])
        #expect(one.status == 1 && eight.status == 1)
        func fails(_ r: Rdsh.Result) -> [String] {
            r.stdout.split(separator: "\n").filter { $0.hasPrefix("FAIL ") }.map {
                String($0.split(separator: " ")[1])
            }
        }
        #expect(fails(one) == (0..<24).filter { $0 % 2 == 1 }.map { String(format: "many/f%02d.rdsh", $0) })
        #expect(fails(eight) == fails(one))
        #expect(lastLine(eight.stdout) == "12 passed, 12 failed")
    }

    // MARK: - Metadata, broken files

    @Test func skipXfailAndXpass() throws {
        let dir = try Dir()
        try dir.write("s/skip.rdsh", "#% skip: waiting for the scheduler\n" + Self.failing)
        try dir.write("s/xfail.rdsh", "#% xfail: known mismatch\n" + Self.failing)
        let ok = try dir.test(["s"])
        #expect(ok.status == 0, "\(ok.stdout)")
        #expect(ok.stdout.contains("SKIP s/skip.rdsh: waiting for the scheduler"))
        #expect(ok.stdout.contains("XFAIL s/xfail.rdsh: known mismatch"))
        #expect(lastLine(ok.stdout) == "1 passed, 0 failed, 1 skipped")
        try dir.write("s/xpass.rdsh", "#% xfail: fixed by now\n" + Self.passing)
        let xpass = try dir.test(["s"])
        #expect(xpass.status == 1)
        #expect(xpass.stdout.contains("XPASS s/xpass.rdsh"))
        #expect(lastLine(xpass.stdout) == "1 passed, 1 failed, 1 skipped")
    }

    @Test func unreadableAndBrokenFilesFailAloneWithoutStoppingOthers() throws {
        let dir = try Dir()
        try dir.write("mix/a-good.rdsh", Self.passing)
        try dir.write("mix/b-binary.rdsh", "ExInitializeRundownProtection R\u{0}\u{1}\n")
        try dir.write("mix/c-meta.rdsh", "#% colour: blue\n" + Self.passing)
        try FileManager.default.createSymbolicLink(
            atPath: dir.path + "/mix/d-dangling.rdsh", withDestinationPath: dir.path + "/nowhere")
        try dir.write("mix/e-good.rdsh", Self.passing)
        let r = try dir.test(["mix"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("mix/b-binary.rdsh: error: binary file"))
        #expect(r.stdout.contains("mix/c-meta.rdsh:1: error: unknown metadata key 'colour'"))
        #expect(r.stdout.contains("mix/d-dangling.rdsh: error: cannot read file: No such file or directory"))
        #expect(lastLine(r.stdout) == "2 passed, 3 failed")
    }

    // MARK: - Reports

    @Test func tapOutputIsValidTAP14() throws {
        let dir = try Dir()
        try dir.write("r/1-pass.rdsh", Self.passing)
        try dir.write("r/2-fail.rdsh", Self.failing)
        try dir.write("r/3-skip.rdsh", "#% skip: later\n")
        try dir.write("r/4-xfail.rdsh", "#% xfail: known\n" + Self.failing)
        let r = try dir.test(["--tap", "r"])
        #expect(r.status == 1)
        let tap = try TAP.parse(r.stdout)
        #expect(tap.version == 14)
        #expect(tap.plan == 4)
        #expect(tap.points.map(\.number) == [1, 2, 3, 4])
        #expect(tap.points.map(\.ok) == [true, false, true, false])
        #expect(
            tap.points.map(\.description) == [
                "r/1-pass.rdsh", "r/2-fail.rdsh", "r/3-skip.rdsh", "r/4-xfail.rdsh",
            ])
        #expect(tap.points[2].directive == "SKIP later")
        #expect(tap.points[3].directive == "TODO known")
        #expect(tap.failedCount == 1)  // a TODO point does not count as a failure
        let yaml = try #require(tap.points[1].yaml)
        #expect(yaml.contains("  at:"))
        #expect(yaml.contains("    line: 4"))
        #expect(yaml.contains("  expected: |\n    #> FALSE"))
        #expect(yaml.contains("  got: |\n    #> TRUE"))
        #expect(tap.comments.last == "# 2 passed, 1 failed, 1 skipped")
        // Cross-check with Perl's TAP::Parser when the machine has it (it knows TAP 13).
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/perl") {
            let perl = Process()
            perl.executableURL = URL(fileURLWithPath: "/usr/bin/perl")
            perl.arguments = [
                "-MTAP::Parser", "-e",
                "my $p=TAP::Parser->new({tap=>do{local $/;<STDIN>}}); while($p->next){}; print join(',', scalar($p->parse_errors), scalar($p->passed), scalar($p->failed), scalar($p->skipped), scalar($p->todo))",
            ]
            let input = Pipe()
            let output = Pipe()
            perl.standardInput = input
            perl.standardOutput = output
            perl.standardError = FileHandle.nullDevice
            try perl.run()
            input.fileHandleForWriting.write(
                Data(r.stdout.replacingOccurrences(of: "TAP version 14", with: "TAP version 13").utf8))
            try input.fileHandleForWriting.close()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            perl.waitUntilExit()
            if perl.terminationStatus == 0 {
                // parse errors, passed (incl. TODO), failed, skipped, todo
                #expect(text == "0,3,1,1,1")
            }
        }
    }

    @Test func junitXMLIsWellFormed() throws {
        let dir = try Dir()
        try dir.write("j/pass.rdsh", Self.passing)
        try dir.write("j/fail <&>.rdsh", Self.failing)
        try dir.write("j/skip.rdsh", "#% skip: \"quoted\" & <angled>\n")
        let r = try dir.test(["--junit", "report.xml", "j"])
        #expect(r.status == 1)
        let data = try Data(contentsOf: dir.url.appendingPathComponent("report.xml"))
        let document = try XMLDocument(data: data)
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "3")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        #expect(root.attribute(forName: "skipped")?.stringValue == "1")
        let cases = try document.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        #expect(
            cases.map { $0.attribute(forName: "name")?.stringValue ?? "" } == [
                "j/fail <&>.rdsh", "j/pass.rdsh", "j/skip.rdsh",
            ])
        let failure = try #require(cases[0].elements(forName: "failure").first)
        #expect(failure.stringValue?.contains(" - 4 | #> FALSE") == true)
        #expect(failure.stringValue?.contains(" + 4 | #> TRUE") == true)
        #expect(cases[0].elements(forName: "system-out").first?.stringValue?.contains("#> TRUE") == true)
        #expect(
            cases[2].elements(forName: "skipped").first?.attribute(forName: "message")?.stringValue
                == "\"quoted\" & <angled>")
        // A second, independent parser agrees it is well-formed.
        let parser = XMLParser(data: data)
        #expect(parser.parse())
    }
}

/// A minimal TAP 14 consumer: enough to check what `rdsh test --tap` promises.
struct TAP {
    struct Point {
        var ok: Bool
        var number: Int
        var description: String
        var directive: String?
        var yaml: String?
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    var version = 0
    var plan = -1
    var points: [Point] = []
    var comments: [String] = []

    /// Failures that count: `not ok` without a TODO directive.
    var failedCount: Int { points.count { !$0.ok && !($0.directive?.hasPrefix("TODO") ?? false) } }

    static func parse(_ text: String) throws -> TAP {
        var tap = TAP()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.first == "TAP version 14" else {
            throw ParseError(description: "first line is not 'TAP version 14'")
        }
        tap.version = 14
        var i = 1
        while i < lines.count {
            let line = lines[i]
            if line.hasPrefix("1..") {
                guard tap.plan < 0, let n = Int(line.dropFirst(3)) else {
                    throw ParseError(description: "bad plan: \(line)")
                }
                tap.plan = n
            } else if line.hasPrefix("ok ") || line.hasPrefix("not ok ") {
                let ok = line.hasPrefix("ok ")
                var rest = Substring(line.dropFirst(ok ? 3 : 7))
                let digits = rest.prefix(while: \.isNumber)
                guard let number = Int(digits) else {
                    throw ParseError(description: "no test number: \(line)")
                }
                rest = rest.dropFirst(digits.count)
                if rest.hasPrefix(" - ") { rest = rest.dropFirst(3) }
                // Split the description from a directive at the first unescaped '#'.
                var description = ""
                var directive: String?
                var escaped = false
                var index = rest.startIndex
                while index < rest.endIndex {
                    let c = rest[index]
                    if escaped {
                        description.append(c)
                        escaped = false
                    } else if c == "\\" {
                        escaped = true
                    } else if c == "#" {
                        directive = rest[rest.index(after: index)...].trimmingCharacters(in: .whitespaces)
                        break
                    } else {
                        description.append(c)
                    }
                    index = rest.index(after: index)
                }
                var point = Point(
                    ok: ok, number: number, description: description.trimmingCharacters(in: .whitespaces),
                    directive: directive)
                if i + 1 < lines.count, lines[i + 1] == "  ---" {
                    var yaml: [String] = []
                    i += 2
                    while i < lines.count, lines[i] != "  ..." {
                        guard lines[i].hasPrefix("  ") || lines[i].isEmpty else {
                            throw ParseError(description: "YAML line not indented: \(lines[i])")
                        }
                        yaml.append(lines[i])
                        i += 1
                    }
                    guard i < lines.count else { throw ParseError(description: "unterminated YAML block") }
                    point.yaml = yaml.joined(separator: "\n")
                }
                tap.points.append(point)
            } else if line.hasPrefix("#") {
                tap.comments.append(line)
            } else if !line.isEmpty {
                throw ParseError(description: "not a TAP line: \(line)")
            }
            i += 1
        }
        guard tap.plan == tap.points.count else {
            throw ParseError(description: "plan \(tap.plan) but \(tap.points.count) test points")
        }
        return tap
    }
}

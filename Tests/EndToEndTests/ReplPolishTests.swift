import Foundation
import Testing

/// Issue 12 §3 through the real REPL on a pseudo-terminal: the hint leaves the submitted line,
/// Ctrl-C stops a long `.read`, `.reset` reports, `.quit`, `.record` never overwrites silently,
/// typed lines carry no location, `.help` lines up.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ReplPolishTests {
    /// tmux helpers for tests that must read the screen rather than the byte stream.
    static let screenPrelude = #"""
        import subprocess
        SOCKET = ["tmux", "-L", "rdsh-polish-%d" % os.getpid()]
        def tmux(*args):
            return subprocess.run(SOCKET + list(args), check=True, capture_output=True, text=True).stdout
        def screen():
            return tmux("capture-pane", "-p", "-t", "t")
        def screen_has(text, timeout=10):
            deadline = time.time() + timeout
            while time.time() < deadline:
                shown = screen()
                if text in shown:
                    return shown
                time.sleep(0.05)
            raise AssertionError("screen never showed %r:\n%s" % (text, shown))

        """#

    @Test func theHintIsErasedFromTheSubmittedLine() throws {
        try ReplTests.expectPasses(
            Self.screenPrelude
                + #"""
                command = "env TERM=xterm EDITRC=/dev/null RDSH_HISTORY= NO_COLOR=1 LANG=C.UTF-8 '%s'" % RDSH
                tmux("new-session", "-d", "-s", "t", "-x", "120", "-y", "30", "-c", TMP, command)
                try:
                    screen_has("rdsh>")
                    tmux("send-keys", "-t", "t", "-l", "ExInitializeRundownProtection R")
                    screen_has("-> VOID")
                    tmux("send-keys", "-t", "t", "Enter")
                    # Wait for the next prompt: keys typed while a command still runs are echoed
                    # by the terminal before libedit draws the prompt (type-ahead), which is not
                    # what this test is about.
                    screen_has("rdsh> ExInitializeRundownProtection R\nrdsh>")
                    tmux("send-keys", "-t", "t", "-l", "ExAcquireRundownProtectionEx R 2")
                    screen_has("-> BOOLEAN")
                    # Enter with the cursor at the start of the line: the whole line still runs.
                    tmux("send-keys", "-t", "t", "C-a")
                    tmux("send-keys", "-t", "t", "Enter")
                    shown = screen_has("TRUE")
                    lines = shown.splitlines()
                    assert "rdsh> ExInitializeRundownProtection R" in lines, shown
                    assert "rdsh> ExAcquireRundownProtectionEx R 2" in lines, shown
                    assert "->" not in shown, "a hint stayed on a submitted line:\n" + shown
                    # Ctrl-C on a line with a hint: the cancelled line keeps no hint either.
                    tmux("send-keys", "-t", "t", "-l", "ExReleaseRundownProtectionEx R ")
                    screen_has("<Count>  -> VOID")
                    tmux("send-keys", "-t", "t", "C-c")
                    shown = screen_has("rdsh> ExReleaseRundownProtectionEx R ^C")
                    assert "->" not in shown, "a hint stayed on a cancelled line:\n" + shown
                finally:
                    subprocess.run(SOCKET + ["kill-server"], capture_output=True)
                """#)
    }

    @Test func ctrlCStopsALongReadAtTheNextCommand() throws {
        let dir = try Rdsh.temporaryDirectory()
        var script = "ExInitializeRundownProtection R\n"
        for _ in 0..<200_000 { script += "ExAcquireRundownProtection R\n" }
        try script.write(to: dir.appendingPathComponent("big.rdsh"), atomically: true, encoding: .utf8)
        try ReplTests.expectPasses(
            #"""
            child = spawn()
            child.sendline(".read big.rdsh")
            child.expect_exact("TRUE")
            time.sleep(0.3)
            child.sendintr()
            child.expect_exact("^C: .read stopped before line ")
            child.expect(r"(\d+) of \S*big.rdsh")
            stopped = int(child.match.group(1))
            child.expect_exact("rdsh> ")
            assert 2 < stopped < 200002, stopped
            # Exactly the lines above the stop ran; the session goes on.
            run(child, ".show R", "R: state=live holders=%d" % (stopped - 2))
            run(child, "ExAcquireRundownProtection R", "TRUE")
            quit(child)
            """#, directory: dir)
    }

    @Test func resetPrintsTheEndOfSessionReportFirst() throws {
        try ReplTests.expectPasses(
            #"""
            child = spawn()
            run(child, "ExInitializeRundownProtection R")
            run(child, "ExAcquireRundownProtection R", "TRUE")
            run(child, "W: ExWaitForRundownProtectionRelease R", "[W] blocked in")
            run(child, "C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'")
            run(child, ".reset", "error[DEADLOCK]: thread W is still blocked", "warning[POOL_LEAK]: C:")
            # Forgotten afterwards: R is unknown, and Ctrl-D has nothing left to report.
            run(child, ".show R", "error[UNKNOWN_HANDLE]")
            child.sendcontrol("d")
            child.expect(pexpect.EOF)
            assert "DEADLOCK" not in child.before, child.before
            child.close()
            assert child.exitstatus == 0, child.exitstatus
            """#)
    }

    /// `.quit` ends the session like `.exit`, with status 0 even after a DEADLOCK report; a
    /// bare `quit` is pointed at `.quit`.
    @Test func quitEndsTheSessionAndBareQuitGetsAHint() throws {
        try ReplTests.expectPasses(
            #"""
            child = spawn()
            run(child, "quit", "error[UNKNOWN_ROUTINE]", "directives start with a dot: .quit")
            run(child, "exit", "directives start with a dot: .exit")
            run(child, "ExInitializeRundownProtection R")
            run(child, "ExAcquireRundownProtection R", "TRUE")
            run(child, "W: ExWaitForRundownProtectionRelease R", "[W] blocked in")
            child.sendline(".quit")
            child.expect_exact("error[DEADLOCK]")
            child.expect(pexpect.EOF)
            child.close()
            assert child.exitstatus == 0, child.exitstatus
            """#)
    }

    @Test func recordRefusesAnExistingFileUnlessForced() throws {
        let dir = try ReplTests.expectPasses(
            #"""
            open(os.path.join(TMP, "kept.rdsh"), "w").close()   # the user's 0-byte file
            child = spawn()
            run(child, "ExInitializeRundownProtection R")
            run(child, ".record kept.rdsh", "error[RECORD_FAILED]: 'kept.rdsh' already exists",
                "hint: .record -f kept.rdsh replaces it")
            run(child, ".record missing-folder/x.rdsh", "error[RECORD_FAILED]: cannot write 'missing-folder/x.rdsh'")
            run(child, ".record -f forced.rdsh")
            run(child, ".record -f kept.rdsh")
            run(child, "ExAcquireRundownProtection R", "TRUE")
            run(child, "ExReleaseRundownProtection R")
            quit(child)
            assert "READ_FAILED" not in child.before
            """#)
        let kept = try String(contentsOf: dir.appendingPathComponent("kept.rdsh"), encoding: .utf8)
        #expect(
            kept
                == "ExInitializeRundownProtection R\nExAcquireRundownProtection R\n#> TRUE\nExReleaseRundownProtection R\n"
        )
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("forced.rdsh").path))
        let test = try Rdsh.run(["test", dir.appendingPathComponent("kept.rdsh").path])
        #expect(test.status == 0, "\(test.stdout)")
    }

    /// grammar.md §4.3: a typed line's diagnostic has its caret but no `<stdin>:L:C:`; a
    /// `.read` file's keeps its location.
    @Test func typedLinesCarryNoLocationReadFilesDo() throws {
        let dir = try Rdsh.temporaryDirectory()
        try "ExInitializeRundownProtection R\nExAcquireRundownProtection Nope\n".write(
            to: dir.appendingPathComponent("inc.rdsh"), atomically: true, encoding: .utf8)
        let (outcome, _) = try ReplTests.drive(
            #"""
            child = spawn()
            run(child, "ExAcquireRundownProtection Q", "error[UNKNOWN_HANDLE]", "^")
            run(child, ".read inc.rdsh", "inc.rdsh:2:28: error[UNKNOWN_HANDLE]")
            quit(child)
            """#, directory: dir)
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(!outcome.output.contains("<stdin>:"), "\(outcome.output)")
    }

    /// Every `.help` summary starts in one column; a line never breaks inside a code span.
    @Test func helpColumnsAlignAndCodeIsNeverWrapped() throws {
        let overview = try Rdsh.run(["-b"], stdin: ".help\n")
        #expect(overview.status == 0)
        let rows = overview.stdout.split(separator: "\n").filter { $0.hasPrefix("    ") && $0.contains("  ") }
        let columns = Set(
            rows.compactMap { row -> Int? in
                let body = row.dropFirst(4)
                guard let gap = body.firstRange(of: "  ") else { return nil }
                var index = gap.upperBound
                while index < body.endIndex, body[index] == " " { index = body.index(after: index) }
                return body.distance(from: body.startIndex, to: index)
            })
        #expect(rows.count > 30)
        #expect(columns.count == 1, "summary columns: \(columns.sorted())")
        for topic in ["ExAllocateCacheAwareRundownProtection", ".record", ".reset"] {
            let help = try Rdsh.run(["-b"], stdin: ".help \(topic)\n")
            for line in help.stdout.split(separator: "\n") {
                #expect(line.filter { $0 == "`" }.count % 2 == 0, "code broken across lines: \(line)")
            }
        }
    }
}

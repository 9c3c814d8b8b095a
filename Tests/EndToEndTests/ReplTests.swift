import Foundation
import Testing

/// The real REPL driven through a pseudo-terminal with pexpect: what a user at a terminal sees.
///
/// Each test is a short Python script run against the built `rdsh`; it raises (and the test
/// fails with its output) when the screen does not show what it expects. The terminal is fixed
/// (`TERM=xterm`, 200 columns), `EDITRC=/dev/null` keeps the user's bindings out, and the
/// history goes to a temporary file.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ReplTests {
    /// Helpers every script gets: `spawn()` starts rdsh on a pty and waits for the prompt.
    static let prelude = #"""
        import os, signal, sys, time, pexpect
        # The test runner's threads block most signals and children inherit the mask: without
        # this, an rdsh (or tmux) left behind by a failing script would ignore SIGHUP/SIGTERM.
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        RDSH, TMP = sys.argv[1], sys.argv[2]
        HISTORY = os.path.join(TMP, "history")
        def spawn(args=(), history=HISTORY, extra=None):
            env = dict(os.environ)
            env.update(TERM="xterm", EDITRC="/dev/null", RDSH_HISTORY=history, NO_COLOR="1",
                       SWIFT_BACKTRACE="enable=no", LANG="C.UTF-8")
            if extra: env.update(extra)
            child = pexpect.spawn(RDSH, list(args), env=env, dimensions=(24, 200),
                                  encoding="utf-8", timeout=10, cwd=TMP)
            child.logfile_read = sys.stdout
            child.expect_exact("rdsh> ")
            return child
        def run(child, line, *expected):
            child.sendline(line)
            for text in expected:
                child.expect_exact(text)
            child.expect_exact("rdsh> ")
        def quit(child, *expected):
            child.sendcontrol("d")
            for text in expected:
                child.expect_exact(text)
            child.expect(pexpect.EOF)
            child.close()
            assert child.exitstatus == 0, ("exit status", child.exitstatus, child.signalstatus)

        """#

    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs `script` (after the prelude) with python3 against the built rdsh in a fresh
    /// temporary directory.
    static func drive(_ script: String, directory: URL? = nil) throws -> (Outcome, URL) {
        let dir = try directory ?? Rdsh.temporaryDirectory()
        let file = dir.appendingPathComponent("drive.py")
        try (prelude + script).write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", file.path, Rdsh.executable.path, dir.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self)), dir
        )
    }

    @discardableResult
    static func expectPasses(_ script: String, directory: URL? = nil) throws -> URL {
        let (outcome, dir) = try drive(script, directory: directory)
        #expect(outcome.status == 0, "pty script failed:\n\(outcome.output)")
        return dir
    }

    @Test func bannerPromptAndACommandPrintingTRUE() throws {
        try Self.expectPasses(
            #"""
            child = spawn()
            run(child, "ExInitializeRundownProtection R")
            run(child, "ExAcquireRundownProtection R", "TRUE")
            run(child, "ExReleaseRundownProtection R")
            quit(child)
            """#)
    }

    /// libedit is loaded when the prompt opens; without it the REPL says so, keeps its prompt
    /// and runs what is typed.
    @Test func withoutLibeditTheReplWarnsAndReadsPlainLines() throws {
        let (outcome, _) = try Self.drive(
            #"""
            child = spawn(extra={"RDSH_LIBEDIT": "/nonexistent/libedit.so.2"})
            run(child, "ExInitializeRundownProtection R")
            run(child, "ExAcquireRundownProtection R", "TRUE")
            quit(child)
            """#)
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("warning: line editing is off: libedit could not be loaded"))
        #expect(outcome.output.contains("/nonexistent/libedit.so.2"))
    }

    /// A long `.par` exploration stops at Ctrl-C with the table of what ran, and the session
    /// goes on.
    @Test func ctrlCStopsALongExploration() throws {
        let (outcome, _) = try Self.drive(
            #"""
            child = spawn()
            run(child, "ExInitializeRundownProtection R")
            child.sendline(".par budget=10000000")
            child.expect_exact("> ")
            for t in "ABCDEFGH":
                n = ord(t) - 64
                for _ in range(2):
                    child.sendline(f"{t}: ExAcquireRundownProtectionEx R {n}")
                    child.expect_exact("> ")
                    child.sendline(f"{t}: ExReleaseRundownProtectionEx R {n}")
                    child.expect_exact("> ")
            started = time.time()
            child.sendline(".end")
            time.sleep(1.5)
            child.sendintr()
            child.expect_exact("not exhaustive (interrupted by Ctrl-C; budget 10000000, seed=1)")
            child.expect_exact("rdsh> ")
            assert time.time() - started < 8, ("Ctrl-C took too long", time.time() - started)
            run(child, ".show R", "R: state=live holders=0")
            quit(child)
            """#)
        #expect(outcome.status == 0, "\(outcome.output)")
    }

    @Test func bannerHasOneLineOfHelp() throws {
        let (outcome, _) = try Self.drive(
            #"""
            child = spawn()
            quit(child)
            """#)
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains(".help"))
    }

    @Test func tabCompletesAUniquePrefixAndListsAmbiguousOnes() throws {
        try Self.expectPasses(
            #"""
            child = spawn()
            run(child, "ExInitializeRundownProtection Ref")
            # Unique prefixes: the routine name, then the live handle name, are completed, so
            # the line runs (a half-typed name would be UNKNOWN_ROUTINE / UNKNOWN_HANDLE).
            child.send("ExAcquireRundownProtectionE\tRe\t2\r")
            child.expect_exact("TRUE")
            child.expect_exact("rdsh> ")
            # Ambiguous: the candidates are listed under the line and the prompt comes back
            # with the common prefix inserted.
            child.send("ExAcq\t")
            child.expect_exact("ExAcquireRundownProtectionCacheAwareEx")
            child.expect_exact("rdsh> ExAcquireRundownProtection")
            child.send("Ex Ref 3\r")
            child.expect_exact("TRUE")
            child.expect_exact("rdsh> ")
            run(child, ".show Ref", "holders=5")
            quit(child)
            """#)
    }

    /// What the terminal shows (not the byte stream: libedit redraws by difference), read with
    /// tmux on a private server.
    @Test func hintShowsTheRemainingParametersAndShrinks() throws {
        try Self.expectPasses(
            ReplPolishTests.screenPrelude
                + #"""
                def screen_lacks(text, timeout=10):
                    deadline = time.time() + timeout
                    while time.time() < deadline:
                        shown = screen()
                        if text not in shown:
                            return shown
                        time.sleep(0.05)
                    raise AssertionError("screen still shows %r:\n%s" % (text, shown))
                command = "env TERM=xterm EDITRC=/dev/null RDSH_HISTORY= NO_COLOR=1 LANG=C.UTF-8 '%s'" % RDSH
                tmux("new-session", "-d", "-s", "t", "-x", "160", "-y", "30", command)
                try:
                    screen_has("rdsh>")  # (capture-pane drops trailing blanks)
                    tmux("send-keys", "-t", "t", "-l", "ExAcquireRundownProtectionEx ")
                    screen_has("<RunRef> <Count>  -> BOOLEAN")
                    # Each argument typed drops its parameter from the hint.
                    tmux("send-keys", "-t", "t", "-l", "R ")
                    screen_lacks("<RunRef>")
                    screen_has("<Count>  -> BOOLEAN")
                    tmux("send-keys", "-t", "t", "-l", "2 ")
                    screen_lacks("<Count>")
                    screen_has("-> BOOLEAN")
                    # Tab on a unique prefix shows the completed line.
                    tmux("send-keys", "-t", "t", "C-u")
                    tmux("send-keys", "-t", "t", "-l", "ExSizeOfRundownProtectionCa")
                    tmux("send-keys", "-t", "t", "Tab")
                    screen_has("rdsh> ExSizeOfRundownProtectionCacheAware ")
                    tmux("send-keys", "-t", "t", "Enter")
                    screen_has("344")
                finally:
                    subprocess.run(SOCKET + ["kill-server"], capture_output=True)
                """#)
    }

    @Test func historySurvivesIntoTheNextRun() throws {
        let dir = try Self.expectPasses(
            #"""
            child = spawn()
            run(child, "ExSizeOfRundownProtectionCacheAware", "344")
            run(child, " .handles")
            quit(child)
            data = open(HISTORY).read()
            assert data.startswith("_HiStOrY_V2_"), data
            assert "ExSizeOfRundownProtectionCacheAware" in data, data
            assert ".handles" not in data, "a line starting with a blank was saved: " + data
            # Second run: Up recalls the last command, Enter runs it again.
            child = spawn()
            child.send("\x1b[A")
            child.expect_exact("ExSizeOfRundownProtectionCacheAware")
            child.send("\r")
            child.expect_exact("344")
            child.expect_exact("rdsh> ")
            quit(child)
            """#)
        let history = try String(contentsOf: dir.appendingPathComponent("history"), encoding: .utf8)
        // Consecutive duplicates are kept once.
        #expect(history.components(separatedBy: "ExSizeOfRundownProtectionCacheAware").count == 2)
    }

    @Test func historyDirectoryIsCreatedOnFirstSave() throws {
        try Self.expectPasses(
            #"""
            path = os.path.join(TMP, "state", "rdsh", "history")
            child = spawn(history=path)
            run(child, "ExSizeOfRundownProtectionCacheAware", "344")
            quit(child)
            assert os.path.exists(path), "no history file at " + path
            """#)
    }

    @Test func ctrlCClearsTheLineAndKeepsTheSession() throws {
        try Self.expectPasses(
            #"""
            child = spawn()
            run(child, "ExInitializeRundownProtection R")
            child.send("ExAcquireRundownProtection ")
            child.expect_exact("-> BOOLEAN")  # the editor has the line (the hint is drawn)
            child.send("R")
            time.sleep(0.3)  # let the editor read it, or the tty would flush it on ^C
            child.sendintr()
            child.expect_exact("rdsh> ")
            # The interrupted line did not run, the session and its handles survived.
            run(child, ".show R", "holders=0")
            run(child, "ExAcquireRundownProtection R", "TRUE")
            child.sendintr()
            child.expect_exact("rdsh> ")
            assert child.isalive()
            quit(child)
            # (History text is vis-encoded: a blank is stored as \040.)
            assert "ExInitializeRundownProtection" in open(HISTORY).read()
            """#)
    }

    @Test func ctrlDPrintsTheEndOfSessionReport() throws {
        try Self.expectPasses(
            #"""
            child = spawn()
            run(child, "ExInitializeRundownProtection R")
            run(child, "ExAcquireRundownProtection R", "TRUE")
            # A blocked thread does not block the prompt.
            run(child, "W: ExWaitForRundownProtectionRelease R", "[W] blocked in ExWaitForRundownProtectionRelease R")
            run(child, ".threads")
            quit(child, "error[DEADLOCK]")
            """#)
    }

    @Test func errorsShowACaretAndADidYouMean() throws {
        try Self.expectPasses(
            #"""
            child = spawn()
            run(child, "ExAcquireRundownProtectoin R", "error[UNKNOWN_ROUTINE]", "^", "ExAcquireRundownProtection")
            run(child, "ExSizeOfRundownProtectionCacheAware", "344")
            # .exit ends the session like Ctrl-D, with status 0.
            child.sendline(".exit")
            child.expect(pexpect.EOF)
            child.close()
            assert child.exitstatus == 0, child.exitstatus
            """#)
    }

    @Test func recordedSessionIsATestFile() throws {
        let dir = try Self.expectPasses(
            #"""
            child = spawn()
            run(child, "ExInitializeRundownProtection R")
            run(child, ".record session.rdsh")
            run(child, "ExAcquireRundownProtection R", "TRUE")
            run(child, "ExReleaseRundownProtection R")
            run(child, "ExReleaseRundownProtection R", "error[RELEASE_WITHOUT_ACQUIRE]")
            run(child, "W: ExWaitForRundownProtectionRelease R")
            run(child, "ExAcquireRundownProtection R", "FALSE")
            quit(child)
            """#)
        let recorded = try String(contentsOf: dir.appendingPathComponent("session.rdsh"), encoding: .utf8)
        let lines = recorded.split(separator: "\n").map(String.init)
        #expect(lines.first == "ExInitializeRundownProtection R")
        #expect(!recorded.contains(".record"))
        #expect(lines.contains("#> TRUE"))
        #expect(lines.contains("#> FALSE"))
        #expect(lines.contains { $0.hasPrefix("#! error[RELEASE_WITHOUT_ACQUIRE]") })
        // The file runs as a script with the same outcome.
        let run = try Rdsh.run(["run", dir.appendingPathComponent("session.rdsh").path])
        #expect(run.stdout == "TRUE\nFALSE\n", "\(run.stderr)")
        // And `rdsh test` passes it unchanged.
        let test = try Rdsh.run(["test", dir.appendingPathComponent("session.rdsh").path])
        #expect(test.status == 0, "rdsh test on the recorded file:\n\(test.stdout)\(test.stderr)")
    }

    @Test func multibyteInputIsEditedByCharacter() throws {
        try Self.expectPasses(
            #"""
            child = spawn()
            # Backspace must remove the whole "é" (two bytes): libedit needs setlocale first.
            child.send("ExSizeOfRundownProtectionCacheAwar\u00e9")
            time.sleep(0.2)
            child.send("\x7fe\r")
            child.expect_exact("344")
            child.expect_exact("rdsh> ")
            quit(child)
            """#)
    }

    @Test func ctrlRSearchesTheHistory() throws {
        try Self.expectPasses(
            #"""
            child = spawn()
            run(child, "n = ExSizeOfRundownProtectionCacheAware", "344")
            run(child, ".processors 1")
            # Ctrl-R, a fragment of an earlier line, Enter: that line runs again.
            child.sendcontrol("r")
            child.send("SizeOf")
            child.send("\r")
            # (Matched as a whole line: the raw stream also holds cursor moves like ESC[32G.)
            child.expect_exact("\r\n32\r\n")
            child.expect_exact("rdsh> ")
            assert "error[" not in child.before, child.before
            quit(child)
            """#)
    }

    @Test func theUsersEditrcIsHonoured() throws {
        try Self.expectPasses(
            #"""
            rc = os.path.join(TMP, "editrc")
            # A key bound to a string, scoped to the program name rdsh.
            open(rc, "w").write('rdsh:bind -s "^X" "ExSizeOfRundownProtectionCacheAware"\n')
            child = spawn(extra={"EDITRC": rc})
            child.sendcontrol("x")
            child.send("\r")
            child.expect_exact("344")
            child.expect_exact("rdsh> ")
            quit(child)
            """#)
    }

    @Test func helpInTheReplIsTheScriptHelp() throws {
        let (outcome, _) = try Self.drive(
            #"""
            child = spawn()
            run(child, ".help ExAcquireRundownProtectionEx", "IRQL")
            run(child, ".help RELEASE_WITHOUT_ACQUIRE", "RELEASE_WITHOUT_ACQUIRE")
            quit(child)
            """#)
        #expect(outcome.status == 0, "\(outcome.output)")
        let batch = try Rdsh.run(["-b"], stdin: ".help ExAcquireRundownProtectionEx\n")
        #expect(batch.status == 0)
        let screen = outcome.output.replacingOccurrences(of: "\r\n", with: "\n")
        for line in batch.stdout.split(separator: "\n") {
            #expect(screen.contains(String(line)), "REPL .help lacks: \(line)")
        }
        #expect(batch.stdout.contains("BOOLEAN ExAcquireRundownProtectionEx("))
    }

    // MARK: - Without a terminal

    @Test func pipedStdinRunsAsAScriptWithoutBannerOrPrompt() throws {
        let script = """
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            ExAcquireRundownProtectoin R
            W: ExWaitForRundownProtectionRelease R

            """
        let piped = try Rdsh.run([], stdin: script)
        let run = try Rdsh.run(["run", "-"], stdin: script)
        #expect(
            piped.stdout
                == "TRUE\n[W] blocked in ExWaitForRundownProtectionRelease R\n    1 reference outstanding on R: 1 by main (ExAcquireRundownProtection R)\n"
        )
        #expect(piped.stdout == run.stdout)
        #expect(piped.stderr == run.stderr)
        #expect(piped.status == 1 && run.status == 1)
        #expect(!piped.stdout.contains("rdsh>"))
        #expect(piped.stderr.contains("<stdin>:3:1: error[UNKNOWN_ROUTINE]"))
        #expect(piped.stderr.contains("error[DEADLOCK]"))
    }

    @Test func batchModeKeepsNoHistory() throws {
        let dir = try Rdsh.temporaryDirectory()
        let history = dir.appendingPathComponent("history")
        let result = try Rdsh.run(
            [], stdin: "ExSizeOfRundownProtectionCacheAware\n", environment: ["RDSH_HISTORY": history.path])
        #expect(result.stdout == "344\n")
        #expect(!FileManager.default.fileExists(atPath: history.path))
    }

    @Test func forcedInteractiveAndBatchPrintTheSameText() throws {
        let script = """
            ExInitializeRundownProtection R
            ExAcquireRundownProtectionEx R 3
            .show R
            ExReleaseRundownProtection Q
            .help COUNT_OUT_OF_RANGE

            """
        let environment = ["RDSH_HISTORY": ""]
        let interactive = try Rdsh.run(["-i"], stdin: script, environment: environment)
        let batch = try Rdsh.run(["--batch"], stdin: script, environment: environment)
        var lines = interactive.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(
            lines.first.map(String.init)
                == "rdsh: the run-down protection shell. Type .help for the routines, Tab to complete, Ctrl-D to quit."
        )
        lines.removeFirst()
        #expect(lines.joined(separator: "\n") == batch.stdout)
        // The same diagnostics, except that a line typed at the prompt carries no location
        // (grammar.md §4.3); the script read from stdin keeps `<stdin>:4:28:`.
        #expect(batch.stderr.hasPrefix("<stdin>:4:28: error[UNKNOWN_HANDLE]: unknown handle 'Q'"))
        #expect(interactive.stderr == batch.stderr.replacingOccurrences(of: "<stdin>:4:28: ", with: ""))
        #expect(batch.stdout.hasPrefix("TRUE\nR: state=live holders=3"))
    }

    @Test func echoPrintsAScriptThatPassesRdshTest() throws {
        let dir = try Rdsh.temporaryDirectory()
        let script = """
            # A comment stays.
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            ExReleaseRundownProtectionEx R 2
            ExReleaseRundownProtection R

            """
        let echoed = try Rdsh.run(["--echo"], stdin: script)
        #expect(echoed.stdout.contains("ExAcquireRundownProtection R\n#> TRUE\n"))
        #expect(echoed.stdout.contains("ExReleaseRundownProtectionEx R 2\n#! error[RELEASE_WITHOUT_ACQUIRE]"))
        let file = dir.appendingPathComponent("echoed.rdsh")
        try echoed.stdout.write(to: file, atomically: true, encoding: .utf8)
        let test = try Rdsh.run(["test", file.path])
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
    }

    @Test func interactiveAndBatchExcludeEachOther() throws {
        let both = try Rdsh.run(["-i", "-b"])
        #expect(both.status == 2)
        #expect(both.stderr.hasPrefix("error: -i/--interactive and -b/--batch exclude each other"))
    }

    // MARK: - Headless completion and hints

    struct CommandLineRow: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var lines: [String]
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let commandLineRows: [CommandLineRow] = [
        .init(
            arguments: ["--complete", "ExAcq"],
            lines: [
                "ExAcquireRundownProtection", "ExAcquireRundownProtectionCacheAware",
                "ExAcquireRundownProtectionCacheAwareEx", "ExAcquireRundownProtectionEx",
            ]),
        .init(
            arguments: ["--complete", "ExWaitForRundownProtectionReleaseC"],
            lines: ["ExWaitForRundownProtectionReleaseCacheAware"]),
        .init(arguments: ["--complete", ".re"], lines: [".read", ".record", ".reset"]),
        .init(arguments: ["--complete", "ExAcquireRundownProtection "], lines: []),
        // Earlier lines run first, so their handles and threads complete.
        .init(
            arguments: ["--complete", "ExInitializeRundownProtection Ref\nW: ExAcquireRundownProtection R"],
            lines: ["Ref"]),
        .init(
            arguments: ["--complete", "W: ExInitializeRundownProtection R\n.irql "], lines: ["W", "main"]),
        .init(arguments: ["--complete", "W: ExInitializeRundownProtection R\nW"], lines: ["W:"]),
        .init(
            arguments: ["--complete", "C = ExAllocateCacheAwareRundownProtection N"],
            lines: ["NonPagedPool", "NonPagedPoolNx"]),
        .init(arguments: ["--complete", ".help DEAD"], lines: ["DEADLOCK"]),
        .init(
            arguments: ["--hint", "ExAcquireRundownProtectionEx "], lines: ["<RunRef> <Count>  -> BOOLEAN"]),
        .init(arguments: ["--hint", "ExAcquireRundownProtectionEx R "], lines: ["<Count>  -> BOOLEAN"]),
        .init(
            arguments: ["--hint", "C = ExAllocateCacheAwareRundownProtection "],
            lines: ["<PoolType> <PoolTag>  -> PEX_RUNDOWN_REF_CACHE_AWARE"]),
        .init(arguments: ["--hint", "ExAcquireRundownProtectionEx"], lines: []),
    ]

    @Test(arguments: commandLineRows)
    func completeAndHintPrintOneLineEach(_ row: CommandLineRow) throws {
        let result = try Rdsh.run(row.arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").map(String.init) == row.lines)
    }

    @Test func completeListsFilesAfterRead() throws {
        let dir = try Rdsh.temporaryDirectory()
        try "".write(to: dir.appendingPathComponent("tour.rdsh"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("tests"), withIntermediateDirectories: true)
        let result = try Rdsh.run(["--complete", ".read t"], directory: dir)
        #expect(result.stdout == "tests/\ntour.rdsh\n")
    }
}

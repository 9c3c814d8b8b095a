import Foundation
import Testing

/// `rdsh run` through the built executable: stdout, stderr, exit codes, bad input.
@Suite(.timeLimit(.minutes(1))) struct RunCommandTests {
    func write(_ text: String, _ name: String = "script.rdsh", in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func cleanScriptPrintsResultsAndExitsZero() throws {
        let dir = try Rdsh.temporaryDirectory()
        let file = try write(
            """
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            #> TRUE
            ExReleaseRundownProtection R
            ExWaitForRundownProtectionRelease R
            ExAcquireRundownProtection R
            n = ExSizeOfRundownProtectionCacheAware
            """, in: dir)
        let r = try Rdsh.run(["run", file.path])
        #expect(r.status == 0)
        #expect(r.stdout == "TRUE\nFALSE\n344\n")
        #expect(r.stderr == "")
    }

    @Test func errorsGoToStderrWithLocationCaretAndNotes() throws {
        let dir = try Rdsh.temporaryDirectory()
        let file = try write(
            """
            ExInitializeRundownProtection R
            ExReleaseRundownProtection R
            ExAcquireRundownProtection R
            """, "bad.rdsh", in: dir)
        let r = try Rdsh.run(["run", "bad.rdsh"], directory: dir)
        #expect(r.status == 1)
        #expect(r.stdout == "TRUE\n")
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            lines[0]
                == "bad.rdsh:2:28: error[RELEASE_WITHOUT_ACQUIRE]: release of 1 reference on R, which has no holders"
        )
        #expect(lines[1] == "    ExReleaseRundownProtection R")
        #expect(lines[2] == "                               ^")
        #expect(lines.contains { $0.hasPrefix("note: real Windows") })
        _ = file
    }

    @Test func bailStopsAtTheFirstError() throws {
        let dir = try Rdsh.temporaryDirectory()
        let file = try write(
            """
            ExInitializeRundownProtection R
            ExRundownCompleted R
            ExAcquireRundownProtection R
            ExReInitializeRundownProtection R
            """, in: dir)
        let keepGoing = try Rdsh.run(["run", file.path])
        #expect(keepGoing.status == 1)
        #expect(keepGoing.stdout == "TRUE\n")
        #expect(keepGoing.stderr.components(separatedBy: "error[").count == 3)
        let bail = try Rdsh.run(["run", "--bail", file.path])
        #expect(bail.status == 1)
        #expect(bail.stdout == "")
        #expect(bail.stderr.components(separatedBy: "error[").count == 2)
    }

    @Test func warningsAloneExitZeroDeadlockExitsOne() throws {
        let dir = try Rdsh.temporaryDirectory()
        let leak = try write(
            "C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'Leak'\n", "leak.rdsh", in: dir)
        let r1 = try Rdsh.run(["run", leak.path])
        #expect(r1.status == 0)
        #expect(
            r1.stderr.hasPrefix(
                "\(leak.path):1:5: warning[POOL_LEAK]: C: 344 bytes of NonPagedPoolNx with tag 'Leak' were never freed"
            ), "\(r1.stderr)")
        let deadlock = try write(
            """
            ExInitializeRundownProtection R
            A: ExAcquireRundownProtection R
            W: ExWaitForRundownProtectionRelease R
            """, "deadlock.rdsh", in: dir)
        let r2 = try Rdsh.run(["run", deadlock.path])
        #expect(r2.status == 1)
        #expect(r2.stdout.contains("[W] blocked in ExWaitForRundownProtectionRelease R\n"))
        #expect(
            r2.stderr.contains(
                "error[DEADLOCK]: thread W is still blocked in ExWaitForRundownProtectionRelease R"))
    }

    @Test func stdinIsRunWhenItIsNotATerminal() throws {
        let r = try Rdsh.run(
            ["run"], stdin: "ExInitializeRundownProtection R\nExAcquireRundownProtection R\n")
        #expect(r.status == 0)
        #expect(r.stdout == "TRUE\n")
        let dash = try Rdsh.run(["run", "-"], stdin: "ExAcquireRundownProtection Q\n")
        #expect(dash.status == 1)
        #expect(dash.stderr.hasPrefix("<stdin>:1:28: error[UNKNOWN_HANDLE]: unknown handle 'Q'"))
    }

    @Test func echoPrintsTheTestFileFormat() throws {
        let dir = try Rdsh.temporaryDirectory()
        let file = try write(
            """
            # prose stays
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            #> STALE EXPECTATION
            ExReleaseRundownProtectionEx R 2
            """, in: dir)
        let r = try Rdsh.run(["run", "--echo", file.path])
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(
            Array(lines.prefix(5)) == [
                "# prose stays", "ExInitializeRundownProtection R", "ExAcquireRundownProtection R", "#> TRUE",
                "ExReleaseRundownProtectionEx R 2",
            ])
        #expect(lines[5].hasPrefix("#! error[RELEASE_WITHOUT_ACQUIRE]: "))
        #expect(lines.dropFirst(6).allSatisfy { $0.hasPrefix("#! note: ") })
        #expect(r.stderr == "")
    }

    @Test func missingAndEmptyAndBinaryFiles() throws {
        let dir = try Rdsh.temporaryDirectory()
        let missing = try Rdsh.run(["run", dir.appendingPathComponent("nope.rdsh").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("error[READ_FAILED]: cannot read"))
        #expect(missing.stderr.contains("No such file or directory"))

        let empty = try write("", "empty.rdsh", in: dir)
        let r = try Rdsh.run(["run", empty.path])
        #expect(r.status == 0)
        #expect(r.stdout == "" && r.stderr == "")

        let binary = dir.appendingPathComponent("a.out")
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00, 0x0A, 0xFF]).write(to: binary)
        let b = try Rdsh.run(["run", binary.path])
        #expect(b.status == 1)
        #expect(b.stderr.contains("error[ENCODING]"))
        #expect(b.stderr.contains("binary"))

        let directory = try Rdsh.run(["run", dir.path])
        #expect(directory.status == 2)
        #expect(directory.stderr.contains("error[READ_FAILED]"))
    }

    @Test func nonUTF8CRLFAndLongLines() throws {
        let dir = try Rdsh.temporaryDirectory()
        let url = dir.appendingPathComponent("mixed.rdsh")
        var bytes = Array("ExInitializeRundownProtection R\r\nExAcquireRundownProtection R\r\n".utf8)
        bytes += [0x45, 0x78, 0xC3, 0x28, 0x0A]
        bytes += Array(("# " + String(repeating: "x", count: 5000) + "\n").utf8)
        bytes += Array("ExAcquireRundownProtection R\n".utf8)
        try Data(bytes).write(to: url)
        let r = try Rdsh.run(["run", url.path])
        #expect(r.status == 1)
        #expect(r.stdout == "TRUE\nTRUE\n")
        #expect(r.stderr.contains("mixed.rdsh:3:3: error[ENCODING]"))
        #expect(r.stderr.contains("mixed.rdsh:4:"))
        #expect(r.stderr.contains("error[LINE_TOO_LONG]"))
    }

    @Test func unterminatedQuoteHasACaret() throws {
        let r = try Rdsh.run(
            ["run"], stdin: "C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg\n")
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("<stdin>:1:"))
        #expect(r.stderr.contains("^"))
        #expect(!r.stderr.contains("POOL_LEAK"))
    }

    @Test func readIsRelativeToTheIncludingFileAndCyclesAreRefused() throws {
        let dir = try Rdsh.temporaryDirectory()
        let sub = dir.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        _ = try write("ExInitializeRundownProtection R\n.read inner.rdsh\n", "outer.rdsh", in: sub)
        _ = try write("ExAcquireRundownProtection R\n", "inner.rdsh", in: sub)
        _ = try write(".read sub/outer.rdsh\n.show R\n", "main.rdsh", in: dir)
        let ok = try Rdsh.run(["run", "main.rdsh"], directory: dir)
        #expect(ok.status == 0)
        #expect(ok.stdout == "TRUE\nR: state=live holders=1\n")

        _ = try write(".read b.rdsh\n", "a.rdsh", in: dir)
        _ = try write("ExInitializeRundownProtection R\n.read a.rdsh\n", "b.rdsh", in: dir)
        let cycle = try Rdsh.run(["run", "a.rdsh"], directory: dir)
        #expect(cycle.status == 1)
        #expect(
            cycle.stderr.hasPrefix("./b.rdsh:2:7: error[READ_FAILED]")
                || cycle.stderr.hasPrefix("b.rdsh:2:7: error[READ_FAILED]"))
        #expect(cycle.stderr.contains("cycle"))

        _ = try write(".read self.rdsh\n", "self.rdsh", in: dir)
        let selfRead = try Rdsh.run(["run", "self.rdsh"], directory: dir)
        #expect(selfRead.status == 1)
        #expect(selfRead.stderr.contains("cycle"))
    }

    @Test func manyFilesEachInItsOwnSession() throws {
        let dir = try Rdsh.temporaryDirectory()
        let a = try write(
            "ExInitializeRundownProtection R\nExAcquireRundownProtection R\n", "a.rdsh", in: dir)
        let b = try write("ExAcquireRundownProtection R\n", "b.rdsh", in: dir)
        let r = try Rdsh.run(["run", a.path, b.path])
        #expect(r.status == 1)
        #expect(r.stdout == "TRUE\n")
        #expect(r.stderr.contains("error[UNKNOWN_HANDLE]"))
    }

    @Test func readNestingIsLimited() throws {
        let dir = try Rdsh.temporaryDirectory()
        for depth in 0..<40 {
            _ = try write(".read f\(depth + 1).rdsh\n", "f\(depth).rdsh", in: dir)
        }
        _ = try write("ExInitializeRundownProtection R\n", "f40.rdsh", in: dir)
        let r = try Rdsh.run(["run", "f0.rdsh"], directory: dir)
        #expect(r.status == 1)
        #expect(
            r.stderr.contains("error[READ_FAILED]: cannot read 'f17.rdsh': .read nests deeper than 16 files"))
        #expect(r.stderr.components(separatedBy: "error[").count == 2)
    }
}

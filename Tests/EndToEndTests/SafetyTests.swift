import Foundation
import Testing

/// Issue 13 through the built executable: `--accept` changes expectation lines and nothing
/// else (compared byte for byte), refuses what it must not replace, lost output is an error,
/// SIGQUIT ends rdsh, and the limits that keep a run linear report where they were reached.
@Suite(.serialized, .timeLimit(.minutes(1))) struct SafetyTests {
    /// A temporary directory, removed when the test ends.
    final class Dir {
        let url: URL
        init() throws { url = try Rdsh.temporaryDirectory() }
        deinit {
            chmod(url.path, 0o755)
            try? FileManager.default.removeItem(at: url)
        }
        var path: String { url.path }
        func file(_ name: String) -> String { url.appendingPathComponent(name).path }
        func write(_ name: String, _ bytes: [UInt8]) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
        }
        func write(_ name: String, _ text: String) throws { try write(name, Array(text.utf8)) }
        func bytes(_ name: String) throws -> [UInt8] {
            [UInt8](try Data(contentsOf: URL(fileURLWithPath: file(name))))
        }
        func status(_ name: String) -> stat {
            var st = stat()
            stat(file(name), &st)
            return st
        }
        func rdsh(_ arguments: [String]) throws -> Rdsh.Result { try Rdsh.run(arguments, directory: url) }
    }

    /// Runs `command` with `/bin/sh -c` in `directory`; `$RDSH` is the built executable.
    static func shell(_ command: String, in directory: URL) throws -> Rdsh.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var environment = ProcessInfo.processInfo.environment
        environment["RDSH"] = Rdsh.executable.path
        environment["CI"] = nil
        environment["NO_COLOR"] = "1"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        process.currentDirectoryURL = directory
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = error.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Rdsh.Result(
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self),
            status: process.terminationStatus)
    }

    // MARK: - --accept rewrites expectation lines only

    /// Invalid UTF-8 in a comment and in a command, and CRLF on some lines only: every line
    /// that is not an expectation comes back byte for byte, and the command stays an ENCODING
    /// error (it used to become a valid-looking line with U+FFFD and a SYNTAX error).
    @Test(.timeLimit(.minutes(1))) func acceptKeepsInvalidUTF8AndMixedLineEndings() throws {
        let dir = try Dir()
        let before: [UInt8] =
            Array("EX_RUNDOWN_REF R\r\nExAcquireRundownProtection R\n#> FALSE\r\n# caf".utf8) + [0xE9]
            + Array(" prose\r\nExAcquireRundownProtection ".utf8) + [0xFF] + Array(" R\n".utf8)
        try dir.write("a.rdsh", before)
        let result = try dir.rdsh(["test", "--accept", "a.rdsh"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let after = try dir.bytes("a.rdsh")
        let expected: [UInt8] =
            Array("EX_RUNDOWN_REF R\r\nExAcquireRundownProtection R\n#> TRUE\r\n".utf8)
            + Array("#! error[ENCODING]: line 6 is not valid UTF-8 (byte 0xE9)\r\n".utf8)
            + Array("#! note: the line is not run; save the script as UTF-8\r\n".utf8)
            + Array("# caf".utf8) + [0xE9] + Array(" prose\r\nExAcquireRundownProtection ".utf8) + [0xFF]
            + Array(" R\n".utf8)
            + Array("#! error[ENCODING]: line 7 is not valid UTF-8 (byte 0xFF)\n".utf8)
            + Array("#! note: the line is not run; save the script as UTF-8\n".utf8)
        #expect(after == expected, "got: \(String(decoding: after, as: UTF8.self).debugDescription)")
        // The accepted file passes as it is, and a second accept leaves it alone.
        #expect(try dir.rdsh(["test", "a.rdsh"]).status == 0)
        _ = try dir.rdsh(["test", "--accept", "a.rdsh"])
        #expect(try dir.bytes("a.rdsh") == expected)
    }

    /// A line too long before the first command: its diagnostics are written above the first
    /// command, where they stay in the preamble, so accept converges instead of giving up.
    @Test(.timeLimit(.minutes(1))) func acceptConvergesOnAPreambleProblem() throws {
        let dir = try Dir()
        let long = "# " + String(repeating: "A", count: 5000)
        try dir.write("p.rdsh", "\(long)\nEX_RUNDOWN_REF R\nExAcquireRundownProtection R\n#> FALSE\n")
        let result = try dir.rdsh(["test", "--accept", "p.rdsh"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("gave up"))
        #expect(
            try dir.bytes("p.rdsh")
                == Array(
                    ("\(long)\n#! error[LINE_TOO_LONG]: line 1 is 5002 bytes long; the limit is 4096\n"
                        + "#! note: the line is not run\nEX_RUNDOWN_REF R\nExAcquireRundownProtection R\n#> TRUE\n")
                        .utf8))
    }

    static let failing = "EX_RUNDOWN_REF R\nExAcquireRundownProtection R\n#> FALSE\n"

    /// A file with a second hard link is left alone, with the reason; both names unchanged.
    @Test(.timeLimit(.minutes(1))) func acceptRefusesAFileWithHardLinks() throws {
        let dir = try Dir()
        try dir.write("h.rdsh", Self.failing)
        #expect(link(dir.file("h.rdsh"), dir.file("other-name")) == 0)
        let result = try dir.rdsh(["test", "--accept", "h.rdsh"])
        #expect(result.status != 0)
        #expect(result.stdout.contains("hard links"), "\(result.stdout)")
        #expect(try dir.bytes("h.rdsh") == Array(Self.failing.utf8))
        #expect(dir.status("h.rdsh").st_ino == dir.status("other-name").st_ino)
        #expect(dir.status("h.rdsh").st_nlink == 2)
    }

    /// A read-only file (owned by someone else when the tests run as root) in a directory
    /// anyone may write: refused, and neither its bytes nor its owner change.
    @Test(.timeLimit(.minutes(1))) func acceptRefusesAFileTheCallerCannotWrite() throws {
        let dir = try Dir()
        try dir.write("r.rdsh", Self.failing)
        #expect(chmod(dir.path, 0o777) == 0)
        #expect(chmod(dir.file("r.rdsh"), 0o444) == 0)
        let owner: uid_t = geteuid() == 0 ? 65534 : geteuid()
        if geteuid() == 0 { #expect(chown(dir.file("r.rdsh"), 65534, 65534) == 0) }
        let result = try dir.rdsh(["test", "--accept", "r.rdsh"])
        #expect(result.status != 0)
        #expect(result.stdout.contains("read-only"), "\(result.stdout)")
        #expect(try dir.bytes("r.rdsh") == Array(Self.failing.utf8))
        #expect(dir.status("r.rdsh").st_uid == owner)
    }

    /// A writable file owned by someone else keeps its owner (root only: nobody else can
    /// create one).
    @Test(.timeLimit(.minutes(1))) func acceptKeepsTheOwner() throws {
        guard geteuid() == 0 else { return }
        let dir = try Dir()
        try dir.write("o.rdsh", Self.failing)
        #expect(chmod(dir.file("o.rdsh"), 0o666) == 0)
        #expect(chown(dir.file("o.rdsh"), 65534, 65534) == 0)
        let result = try dir.rdsh(["test", "--accept", "o.rdsh"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(
            try dir.bytes("o.rdsh")
                == Array(Self.failing.replacingOccurrences(of: "FALSE", with: "TRUE").utf8))
        #expect(dir.status("o.rdsh").st_uid == 65534)
        #expect(dir.status("o.rdsh").st_mode & 0o777 == 0o666)
    }

    /// An edit made while accept runs is kept: accept refuses to replace the file. The script
    /// reads a FIFO, so the run waits, deterministically, until the edit is made.
    @Test(.timeLimit(.minutes(1)), arguments: [false, true])
    func acceptRefusesAFileChangedMeanwhile(sameSizeAndTime: Bool) throws {
        let dir = try Dir()
        let original = "EX_RUNDOWN_REF R\n.read pipe.inc\nExAcquireRundownProtection R\n#> FALSE\n"
        try dir.write("c.rdsh", original)
        #expect(mkfifo(dir.file("pipe.inc"), 0o644) == 0)
        let originalStatus = dir.status("c.rdsh")

        let process = Process()
        process.executableURL = Rdsh.executable
        process.arguments = ["test", "--accept", "c.rdsh"]
        process.currentDirectoryURL = dir.url
        var environment = ProcessInfo.processInfo.environment
        environment["CI"] = nil
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()

        // Wait until rdsh has opened the FIFO (it read c.rdsh before running it), then edit.
        var writer: Int32 = -1
        while writer < 0 && process.isRunning {
            writer = open(dir.file("pipe.inc"), O_WRONLY | O_NONBLOCK)
            if writer < 0 { usleep(2000) }
        }
        let edited =
            sameSizeAndTime
            ? original.replacingOccurrences(of: "#> FALSE", with: "#> F4LSE")
            : original + "# my edit\n"
        try dir.write("c.rdsh", edited)
        if sameSizeAndTime {
            var times = [originalStatus.st_atim, originalStatus.st_mtim]
            #expect(utimensat(AT_FDCWD, dir.file("c.rdsh"), &times, 0) == 0)
        }
        // Every further run (accept reruns the rewritten script) reads the FIFO too.
        while process.isRunning {
            if writer >= 0 { close(writer) }
            writer = open(dir.file("pipe.inc"), O_WRONLY | O_NONBLOCK)
            usleep(2000)
        }
        if writer >= 0 { close(writer) }
        process.waitUntilExit()
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus != 0)
        #expect(stdout.contains("modified while rdsh test ran"), "\(stdout)")
        #expect(try dir.bytes("c.rdsh") == Array(edited.utf8))
    }

    /// One file named three ways (and a hard link) runs once.
    @Test(.timeLimit(.minutes(1))) func aFileNamedSeveralWaysRunsOnce() throws {
        let dir = try Dir()
        try dir.write("a.rdsh", "EX_RUNDOWN_REF R\nExAcquireRundownProtection R\n#> TRUE\n")
        #expect(symlink("a.rdsh", dir.file("l.rdsh")) == 0)
        #expect(link(dir.file("a.rdsh"), dir.file("h.rdsh")) == 0)
        let result = try dir.rdsh(["test", "a.rdsh", "./a.rdsh", "l.rdsh", "h.rdsh", "."])
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("1 passed, 0 failed\n"), "\(result.stdout)")
    }

    /// A symbolic link loop is called a loop, not a missing file.
    @Test(.timeLimit(.minutes(1))) func aSymlinkLoopIsReportedAsALoop() throws {
        let dir = try Dir()
        #expect(symlink("loop.rdsh", dir.file("loop.rdsh")) == 0)
        let test = try dir.rdsh(["test", "loop.rdsh"])
        #expect(test.status != 0)
        #expect(test.stderr.contains("symbolic link loop"), "\(test.stderr)")
        #expect(!test.stderr.contains("no such file"))
        let run = try dir.rdsh(["run", "loop.rdsh"])
        #expect(run.status == 2, "a file that cannot be read is exit 2")
        #expect(run.stderr.contains("symbolic link loop"), "\(run.stderr)")
    }

    // MARK: - Lost output

    @Test(.timeLimit(.minutes(1)), arguments: [">/dev/full", ">&-"])
    func lostOutputIsAnError(redirection: String) throws {
        let dir = try Dir()
        try dir.write("a.rdsh", "EX_RUNDOWN_REF R\nExAcquireRundownProtection R\n#> TRUE\n")
        for command in [
            "\"$RDSH\" run a.rdsh", "\"$RDSH\" test a.rdsh", "\"$RDSH\" test --tap a.rdsh",
            "\"$RDSH\" doc --check " + dir.path + " -o " + dir.path + "/docs || \"$RDSH\" doc " + dir.path
                + " -o "
                + dir.path + "/docs",
        ] {
            let result = try Self.shell("\(command) \(redirection)", in: dir.url)
            #expect(result.status != 0, "\(command) \(redirection)")
            #expect(
                result.stderr.contains("rdsh: error: cannot write to standard output"),
                "\(command) \(redirection): \(result.stderr)")
        }
        // The same commands with a working stdout succeed.
        #expect(try Self.shell("\"$RDSH\" run a.rdsh >/dev/null", in: dir.url).status == 0)
        #expect(try Self.shell("\"$RDSH\" test a.rdsh >/dev/null", in: dir.url).status == 0)
    }

    /// `rdsh explore` and `rdsh stress` print reports too: a lost one is an error, and a script
    /// that cannot be read is exit 2, as for `rdsh run`.
    @Test(.timeLimit(.minutes(1))) func exploreAndStressOutputLostIsAnError() throws {
        let dir = try Dir()
        try dir.write(
            "p.rdsh",
            "ExInitializeRundownProtection R\n.par\nA: ok = ExAcquireRundownProtection R\nA: if ok ExReleaseRundownProtection R\nW: ExWaitForRundownProtectionRelease R\n.end\n"
        )
        for command in ["\"$RDSH\" explore p.rdsh", "\"$RDSH\" stress -n 100 p.rdsh"] {
            let lost = try Self.shell("\(command) >/dev/full", in: dir.url)
            #expect(lost.status != 0, "\(command)")
            #expect(lost.stderr.contains("rdsh: error: cannot write to standard output"), "\(lost.stderr)")
            #expect(try Self.shell("\(command) >/dev/null", in: dir.url).status == 0, "\(command)")
        }
        #expect(try dir.rdsh(["explore", "missing.rdsh"]).status == 2)
        #expect(try dir.rdsh(["stress", "-n", "10", "p.rdsh", "missing.rdsh"]).status == 2)
    }

    @Test(.timeLimit(.minutes(1))) func benchOutputLostIsAnError() throws {
        let dir = try Dir()
        let result = try Self.shell(
            "\"$RDSH\" bench --quick --repetitions 1 --filter read-fan-out >/dev/full", in: dir.url)
        #expect(result.status != 0)
        #expect(result.stderr.contains("rdsh: error: cannot write to standard output"), "\(result.stderr)")
    }

    @Test(.timeLimit(.minutes(1))) func aJUnitReportThatCannotBeWrittenIsAnError() throws {
        let dir = try Dir()
        try dir.write("a.rdsh", "EX_RUNDOWN_REF R\nExAcquireRundownProtection R\n#> TRUE\n")
        let result = try dir.rdsh(["test", "--junit", "/dev/full", "a.rdsh"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot write JUnit report /dev/full"), "\(result.stderr)")
    }

    /// A reader that goes away (`| head`) is not an error: nothing on stderr.
    @Test(.timeLimit(.minutes(1))) func aClosedPipeStaysQuiet() throws {
        let dir = try Dir()
        try dir.write(
            "big.rdsh",
            "EX_RUNDOWN_REF R\n" + String(repeating: "ExAcquireRundownProtection R\n", count: 50_000))
        let result = try Self.shell("\"$RDSH\" run big.rdsh 2>err.txt | head -1; cat err.txt", in: dir.url)
        #expect(result.stdout == "TRUE\n", "\(result.stdout.prefix(200))")
        #expect(result.stderr.isEmpty)
    }

    // MARK: - SIGQUIT

    /// SIGQUIT ends rdsh at once (the Swift backtracer used to print "Program crashed" and
    /// sleep for ever). The signal is sent once rdsh no longer catches it.
    @Test(.timeLimit(.minutes(1))) func sigquitEndsRdsh() throws {
        let process = Process()
        process.executableURL = Rdsh.executable
        process.arguments = ["run", "-"]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { try? input.fileHandleForWriting.close() }
        // SigCgt lists the caught signals; SIGQUIT (3) is bit 2.
        func catchesSigquit() -> Bool {
            guard
                let status = try? String(
                    contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
                let mask = UInt64(line.split(separator: "\t").last ?? "", radix: 16)
            else { return true }
            return mask & (1 << 2) != 0
        }
        var polls = 0
        while catchesSigquit() && process.isRunning && polls < 10_000 {
            usleep(1000)
            polls += 1
        }
        kill(process.processIdentifier, SIGQUIT)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGQUIT)
    }

    // MARK: - Limits

    /// `.read` fan-out: 8 reads of a file that reads a file 10 times, six levels deep, would
    /// run millions of lines; the run stops at the limit with a located READ_FAILED.
    @Test(.timeLimit(.minutes(1))) func readFanOutStopsAtTheLineLimit() throws {
        let dir = try Dir()
        try dir.write(
            "top.rdsh",
            "EX_RUNDOWN_REF R\n" + String(repeating: ".read l1.inc\n", count: 8)
                + "ExAcquireRundownProtection R\n")
        for level in 1...6 {
            try dir.write(
                "l\(level).inc",
                level < 6
                    ? String(repeating: ".read l\(level + 1).inc\n", count: 10)
                    : String(repeating: "# leaf\n", count: 10))
        }
        let result = try dir.rdsh(["run", "top.rdsh"])
        #expect(result.status == 1)
        #expect(result.stdout == "TRUE\n")
        let first = try #require(result.stderr.split(separator: "\n").first)
        #expect(first.contains(".inc:"), "\(first)")
        #expect(first.contains("error[READ_FAILED]"))
        #expect(first.contains("100000 lines from .read files, the limit"))
    }

    /// THREAD_LIMIT: the 10001st thread name is refused, at its line; the script goes on.
    @Test(.timeLimit(.minutes(1))) func threadLimitIsALocatedError() throws {
        let dir = try Dir()
        var text = ""
        for i in 1..<10_000 { text += ".cpu T\(i) 0\n" }
        text += ".cpu Extra 0\nEX_RUNDOWN_REF R\nExAcquireRundownProtection R\n"
        try dir.write("threads.rdsh", text)
        let result = try dir.rdsh(["run", "threads.rdsh"])
        #expect(result.status == 1)
        #expect(result.stdout == "TRUE\n")
        #expect(
            result.stderr.hasPrefix(
                "threads.rdsh:10000:6: error[THREAD_LIMIT]: cannot create thread 'Extra': the session already has 10000 threads, the limit"
            ), "\(result.stderr.prefix(300))")
    }

    // MARK: - Bench

    /// `rdsh bench --filter scale`: every growth case at two sizes, ten times apart, and one
    /// target per case with the 15x bound. Not a speed check (a debug build, a shared
    /// machine): the exit status follows the targets, so only its range is checked.
    @Test(.timeLimit(.minutes(1))) func benchScaleRunsEveryGrowthCaseAtTwoSizes() throws {
        let result = try Rdsh.run(["bench", "--quick", "--json", "--filter", "scale", "--repetitions", "1"])
        #expect(result.status == 0 || result.status == 1, "stderr: \(result.stderr)")
        let root = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "not a JSON object: \(result.stdout)")
        let sections = try #require(root["sections"] as? [[String: Any]])
        #expect(sections.map { $0["name"] as? String } == ["scale"])
        let measurements = try #require(sections.first?["measurements"] as? [[String: Any]])
        #expect(
            measurements.map { $0["name"] as? String } == [
                "pool-500", "pool-5000", "threads-250", "threads-2500", "lines-5000", "lines-50000",
                "read-fan-out-1000", "read-fan-out-10000", "holders-300", "holders-3000",
            ])
        let targets = try #require(sections.first?["targets"] as? [[String: Any]])
        #expect(targets.count == 5)
        #expect(targets.allSatisfy { $0["limit"] as? Double == 15 && $0["comparison"] as? String == "<=" })
        let allPassed = targets.allSatisfy { $0["passed"] as? Bool == true }
        #expect(result.status == (allPassed ? 0 : 1))
    }
}

import Foundation
import Testing

/// The command line as a whole: subcommands, one error style, exit codes 0/1/2, --version,
/// the man page.
@Suite(.timeLimit(.minutes(1))) struct ExecutableTests {
    @Test func helpListsSubcommands() throws {
        let r = try Rdsh.run(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("run"))
        #expect(r.stdout.contains("Exit status: 0 success; 1 a script reported an error"))
    }

    @Test func versionPrintsAndExitsZero() throws {
        let r = try Rdsh.run(["--version"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.first?.isNumber == true)
        #expect(r.stderr == "")
    }

    @Test func helpOnAnUnknownTopicIsAnError() throws {
        let r = try Rdsh.run(["help", "nope"])
        #expect(r.status == 2)
        #expect(r.stdout == "")
        #expect(r.stderr.hasPrefix("error: no help for 'nope'"))
        #expect(try Rdsh.run(["help", "run"]).status == 0)
    }

    @Test func aScriptNameAloneHintsAtRun() throws {
        let r = try Rdsh.run(["demo.rdsh"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("error: 'demo.rdsh' is not a subcommand"))
        #expect(r.stderr.contains("hint: to run a script: rdsh run demo.rdsh"))
        let word = try Rdsh.run(["frobnicate"])
        #expect(word.status == 2)
        #expect(word.stderr.hasPrefix("error: unknown subcommand 'frobnicate'"))
    }

    /// Every usage error, whoever finds it, is `error:` in lower case and exits 2.
    @Test(arguments: [
        ["--bogus"], ["run", "--bogus"], ["test", "--bogus", "x"], ["doc", "--bogus"],
        ["bench", "--repetitions", "0"], ["run", "--processors", "0", "x"], ["test"], ["-i", "-b"],
    ])
    func usageErrorsShareOneStyleAndExitTwo(arguments: [String]) throws {
        let r = try Rdsh.run(arguments)
        #expect(r.status == 2, "\(arguments): \(r.stderr)")
        #expect(r.stderr.hasPrefix("error: "), "\(arguments): \(r.stderr)")
        #expect(!r.stderr.contains("Error:"))
    }

    @Test func exitCodesOfRun() throws {
        let dir = try Rdsh.temporaryDirectory()
        let good = dir.appendingPathComponent("good.rdsh")
        try "ExInitializeRundownProtection R\n".write(to: good, atomically: true, encoding: .utf8)
        let bad = dir.appendingPathComponent("bad.rdsh")
        try "ExAcquireRundownProtection Nope\n".write(to: bad, atomically: true, encoding: .utf8)
        #expect(try Rdsh.run(["run", good.path]).status == 0)
        #expect(try Rdsh.run(["run", bad.path]).status == 1)
        #expect(try Rdsh.run(["run", dir.appendingPathComponent("missing.rdsh").path]).status == 2)
        // The worst status wins: an unreadable file beside a failing one is still 2.
        #expect(try Rdsh.run(["run", bad.path, dir.appendingPathComponent("missing.rdsh").path]).status == 2)
    }

    @Test func manualPageIsRoffBuiltFromTheHelp() throws {
        let r = try Rdsh.run(["--generate-manual"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix(".TH RDSH 1"))
        for section in [".SH NAME", ".SH SYNOPSIS", ".SH COMMANDS", ".SH EXIT STATUS", ".SH ENVIRONMENT"] {
            #expect(r.stdout.contains(section), "\(section)")
        }
        for command in ["repl", "run", "test", "bench", "doc"] {
            #expect(r.stdout.contains(".SS rdsh \(command)"), "\(command)")
        }
        #expect(r.stdout.contains("--filter-out <REGEX>"))
        // No preformatted line may start with a roff request character.
        let lines = r.stdout.split(separator: "\n")
        var inside = false
        for line in lines {
            if line == ".nf" {
                inside = true
                continue
            }
            if line == ".fi" {
                inside = false
                continue
            }
            if inside { #expect(!line.hasPrefix(".") && !line.hasPrefix("'"), "\(line)") }
        }
    }
}

import Foundation
import Testing

/// `rdsh stress` through the built executable.
@Suite(.timeLimit(.minutes(1))) struct StressCommandTests {
    /// scripts/races/01's shape: three allowed outcomes, two of them common.
    static let race = """
        EX_RUNDOWN_REF R
        .par
        A: ok = ExAcquireRundownProtection R
        A: if ok ExReleaseRundownProtection R
        W: ExWaitForRundownProtectionRelease R
        .end
        """

    func write(_ text: String, named name: String = "race.rdsh", in directory: URL) throws {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }

    /// The `N runs: outcome` lines of a text report, as (count, outcome).
    func histogram(_ stdout: String) -> [(runs: Int, outcome: String)] {
        stdout.split(separator: "\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":"),
                let number = Int(line[..<colon].split(separator: " ")[0]),
                line[..<colon].hasSuffix("runs") || line[..<colon].hasSuffix("run")
            else { return nil }
            return (number, String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
    }

    @Test func histogramOfAllowedOutcomes() throws {
        let dir = try Rdsh.temporaryDirectory()
        try write(Self.race, in: dir)
        let r = try Rdsh.run(["stress", "race.rdsh", "-n", "20000"], directory: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("race.rdsh:2:\nstress: 20000 runs, "))
        #expect(r.stdout.contains("of 3 allowed"))
        #expect(!r.stdout.contains("NOT ALLOWED"))
        let entries = histogram(r.stdout)
        #expect(entries.reduce(0) { $0 + $1.runs } == 20000)
        // Both orders of the start happen: the barrier and the random head start work.
        #expect(entries.contains { $0.outcome == "ok=TRUE, R completed holders=0" })
        #expect(entries.contains { $0.outcome == "ok=FALSE, R completed holders=0" })
        #expect(r.stderr.isEmpty)
    }

    @Test func json() throws {
        let dir = try Rdsh.temporaryDirectory()
        try write(Self.race, in: dir)
        let r = try Rdsh.run(["stress", "--json", "-n", "5000", "race.rdsh"], directory: dir)
        #expect(r.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let blocks = object?["blocks"] as? [[String: Any]] ?? []
        #expect(blocks.count == 1)
        #expect(blocks.first?["runs"] as? Int == 5000)
        #expect(blocks.first?["line"] as? Int == 2)
        let outcomes = blocks.first?["outcomes"] as? [[String: Any]] ?? []
        #expect(!outcomes.isEmpty)
        #expect(outcomes.allSatisfy { $0["allowed"] as? Bool == true })
        #expect(outcomes.reduce(0) { $0 + ($1["runs"] as? Int ?? 0) } == 5000)
        let never = blocks.first?["never_observed"] as? [[String: Any]] ?? []
        #expect(outcomes.count + never.count == 3)
    }

    /// A blocked outcome (the waiter never returns) is observed, named, and the threads are
    /// reclaimed for the next run.
    @Test func blockedWaiterIsAnOutcome() throws {
        let dir = try Rdsh.temporaryDirectory()
        try write(
            """
            EX_RUNDOWN_REF W
            ExAcquireRundownProtection W
            .par
            Alloc: item = ExAcquireRundownProtection W
            Worker: ExReleaseRundownProtection W
            Worker: if item ExReleaseRundownProtection W
            Terminate: ExWaitForRundownProtectionRelease W
            .end
            """, in: dir)
        let r = try Rdsh.run(["stress", "race.rdsh", "-n", "20000"], directory: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("NOT ALLOWED"))
        #expect(histogram(r.stdout).reduce(0) { $0 + $1.runs } == 20000)
    }

    /// Exploration cut to one schedule allows one outcome; stress sees the others.
    @Test func outcomeExplorationDoesNotAllowIsAnError() throws {
        let dir = try Rdsh.temporaryDirectory()
        try write(Self.race.replacingOccurrences(of: ".par\n", with: ".par budget=1\n"), in: dir)
        let r = try Rdsh.run(["stress", "race.rdsh", "-n", "20000"], directory: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("race.rdsh:2:1: error[STRESS_OUTCOME]: run "))
        #expect(
            r.stderr.contains(
                "ended in an outcome exploration does not allow: ok=FALSE, R completed holders=0"))
        #expect(r.stderr.contains("not exhaustive"))
        #expect(r.stdout.contains("NOT ALLOWED (first at run "))
    }

    /// A run that neither finishes nor blocks (a thread made to stop outside any wait by the
    /// RDSH_STRESS_HANG_AT test hook) is reported with the stuck thread and the object, and
    /// the command ends: the second file is not run.
    @Test func hangIsReportedAndEndsTheCommand() throws {
        let dir = try Rdsh.temporaryDirectory()
        try write(Self.race, in: dir)
        try write(Self.race, named: "second.rdsh", in: dir)
        let r = try Rdsh.run(
            ["stress", "race.rdsh", "second.rdsh", "-n", "1000"],
            environment: ["RDSH_STRESS_HANG_AT": "50", "RDSH_WATCHDOG_SECONDS": "1"], directory: dir)
        #expect(r.status == 1)
        #expect(
            r.stderr.contains(
                "race.rdsh:2:1: error[WATCHDOG]: stress run 50 hung: A neither returned nor blocked"))
        #expect(
            r.stderr.contains("note: thread A is still in \"A: ok = ExAcquireRundownProtection R\" (line 3)"))
        #expect(r.stderr.contains("note: R: "))
        #expect(r.stdout.contains("stress: 49 runs, "))
        #expect(r.stdout.contains("hung at run 50"))
        #expect(!r.stdout.contains("second.rdsh"))
    }

    @Test(arguments: ["0", "-3", "1000000000"]) func badRunCount(_ n: String) throws {
        let dir = try Rdsh.temporaryDirectory()
        try write(Self.race, in: dir)
        let r = try Rdsh.run(["stress", "race.rdsh", "-n", n], directory: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("error: -n \(n): "))
        #expect(r.stdout.isEmpty)
    }

    @Test func fileWithoutBlocks() throws {
        let dir = try Rdsh.temporaryDirectory()
        try write(
            "EX_RUNDOWN_REF R\nExAcquireRundownProtection R\nExReleaseRundownProtection R\n",
            named: "plain.rdsh", in: dir)
        let r = try Rdsh.run(["stress", "plain.rdsh", "-n", "10"], directory: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("error: plain.rdsh has no .par block"))
        #expect(r.stdout.isEmpty)
    }
}

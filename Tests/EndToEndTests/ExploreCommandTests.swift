import Foundation
import Testing

/// `rdsh explore` and `.par` blocks through the built executable.
@Suite struct ExploreCommandTests {
    static let race = """
        ExInitializeRundownProtection R
        .par
        A: ExAcquireRundownProtection R
        A: ExReleaseRundownProtection R
        W: ExWaitForRundownProtectionRelease R
        .end
        """

    func write(_ text: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent("race.rdsh")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test(.timeLimit(.minutes(1))) func exploreTextTable() throws {
        let dir = try Rdsh.temporaryDirectory()
        _ = try write(Self.race, in: dir)
        let r = try Rdsh.run(["explore", "race.rdsh"], directory: dir)
        #expect(r.status == 0)
        #expect(
            r.stdout == """
                race.rdsh:2:
                par: 3 schedules, 3 outcomes, exhaustive
                1 schedule: R completed holders=0; witness A.1 A.2 W.1
                1 schedule: R stale holders=0; witness A.1 W.1 A.2 W.2
                1 schedule: R completed holders=0, RELEASE_AFTER_RUNDOWN at "A: ExReleaseRundownProtection R"; witness W.1 A.1 A.2

                """)
    }

    @Test(.timeLimit(.minutes(1))) func exploreJSON() throws {
        let dir = try Rdsh.temporaryDirectory()
        _ = try write(Self.race, in: dir)
        let r = try Rdsh.run(["explore", "--json", "race.rdsh"], directory: dir)
        #expect(r.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let blocks = object?["blocks"] as? [[String: Any]]
        #expect(blocks?.count == 1)
        let block = blocks?.first
        #expect(block?["file"] as? String == "race.rdsh")
        #expect(block?["line"] as? Int == 2)
        #expect(block?["schedules"] as? Int == 3)
        #expect(block?["exhaustive"] as? Bool == true)
        let outcomes = block?["outcomes"] as? [[String: Any]] ?? []
        #expect(outcomes.count == 3)
        let last = outcomes.last
        #expect(last?["witness"] as? String == "W.1 A.1 A.2")
        let handles = last?["handles"] as? [String: [String: Any]]
        #expect(handles?["R"]?["state"] as? String == "completed")
        let diagnostics = last?["diagnostics"] as? [[String: Any]]
        #expect(diagnostics?.first?["code"] as? String == "RELEASE_AFTER_RUNDOWN")
        #expect(diagnostics?.first?["line"] as? Int == 4)
        #expect(diagnostics?.first?["text"] as? String == "A: ExReleaseRundownProtection R")
    }

    @Test(.timeLimit(.minutes(1))) func scheduleReplayPrintsTheTranscript() throws {
        let dir = try Rdsh.temporaryDirectory()
        _ = try write(
            Self.race.replacingOccurrences(of: ".par", with: ".par schedule=\"W.1 A.1 A.2\""), in: dir)
        let r = try Rdsh.run(["run", "race.rdsh"], directory: dir)
        #expect(r.status == 1)
        #expect(
            r.stdout.contains(
                "W.1: W: ExWaitForRundownProtectionRelease R\nA.1: A: ExAcquireRundownProtection R"))
        #expect(r.stdout.contains("FALSE"))
        #expect(r.stderr.contains("error[RELEASE_AFTER_RUNDOWN]"))
    }

    /// A step that never settles (the RDSH_PAR_HANG_AT test hook stops the 5th step's thread
    /// outside any wait) is reported as WATCHDOG within the limit, stops the exploration (no
    /// second WATCHDOG, no crash replaying a schedule whose thread hung) and says so in the
    /// table and the JSON.
    @Test(.timeLimit(.minutes(1))) func aStepThatNeverSettlesStopsTheExploration() throws {
        let dir = try Rdsh.temporaryDirectory()
        _ = try write(Self.race, in: dir)
        let environment = ["RDSH_PAR_HANG_AT": "5", "RDSH_WATCHDOG_SECONDS": "1"]
        let r = try Rdsh.run(["run", "race.rdsh"], environment: environment, directory: dir)
        #expect(r.status == 1)
        #expect(
            r.stdout.hasPrefix(
                "par: 1 schedule, 1 outcome, not exhaustive (stopped by WATCHDOG: a thread did not settle; budget 100000, seed=1)\n"
            ))
        #expect(r.stderr.components(separatedBy: "error[WATCHDOG]").count == 2, "\(r.stderr)")
        #expect(r.stderr.contains("error[WATCHDOG]: thread A did not settle within 1 s"))
        // The schedule that hung, ready to replay.
        #expect(
            r.stderr.contains(
                "note: in the schedule A.1 W.1 A.2; `.par schedule=\"A.1 W.1 A.2\"` runs it again with its transcript"
            ))
        let json = try Rdsh.run(["explore", "--json", "race.rdsh"], environment: environment, directory: dir)
        #expect(json.status == 1)
        #expect(json.stdout.contains("\"exhaustive\":false,"))
        #expect(json.stdout.contains("\"stopped\":\"watchdog\""))
    }

    @Test(.timeLimit(.minutes(1))) func unterminatedBlockFailsWithoutHanging() throws {
        let dir = try Rdsh.temporaryDirectory()
        _ = try write("ExInitializeRundownProtection R\n.par\nA: ExAcquireRundownProtection R\n", in: dir)
        let r = try Rdsh.run(["run", "race.rdsh"], directory: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("race.rdsh:2:1: error[PAR_UNTERMINATED]"))
        #expect(r.stdout == "")
    }
}

import Foundation
import Testing

/// `rdsh bench`'s interpreter and test-runner sections, through the built executable: a smoke
/// run (`--quick`), checked for the shape of the JSON report, not for speed (a debug build's
/// numbers say nothing).
@Suite(.serialized, .timeLimit(.minutes(1))) struct BenchTests {
    /// Runs `rdsh bench --quick --json --filter FILTER` and returns the one section reported.
    func section(_ filter: String) throws -> [String: Any] {
        let result = try Rdsh.run(["bench", "--quick", "--json", "--filter", filter, "--repetitions", "1"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let root = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "not a JSON object: \(result.stdout)")
        #expect(root["quick"] as? Bool == true)
        let sections = try #require(root["sections"] as? [[String: Any]])
        try #require(sections.count == 1, "sections: \(sections.map { $0["name"] ?? "?" })")
        #expect(sections[0]["name"] as? String == filter)
        return sections[0]
    }

    /// A case the filter selects but cannot measure is reported with its reason, in the text
    /// and in the JSON, rather than as a filter that selects nothing: here the start-up case
    /// of a copy of rdsh with no `rdsh` beside it to spawn.
    @Test func aSelectedCaseThatCannotBeMeasuredSaysWhy() throws {
        let directory = try Rdsh.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("rdsh-copy")
        try FileManager.default.copyItem(at: Rdsh.executable, to: copy)
        let reason = "start-up: not measured: no rdsh executable beside \(copy.path)"
        let text = try Rdsh.run(["bench", "--quick", "--filter", "startup-vs-hello"], executable: copy)
        #expect(text.status == 0, "stderr: \(text.stderr)")
        #expect(text.stdout.contains("note: " + reason), "stdout: \(text.stdout)")
        let json = try Rdsh.run(
            ["bench", "--quick", "--json", "--filter", "startup-vs-hello"], executable: copy)
        let root = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let sections = try #require(root["sections"] as? [[String: Any]])
        #expect(sections.map { $0["name"] as? String } == ["bounds"])
        #expect(sections.first?["unmeasured"] as? [String] == [reason])
    }

    @Test func interpreterReportsBothScriptsStartupAndTheirTargets() throws {
        let section = try section("interpreter")
        let measurements = try #require(section["measurements"] as? [[String: Any]])
        #expect(
            measurements.map { $0["name"] as? String } == [
                "script-main", "script-two-threads", "script-main-one-processor",
            ])
        #expect(measurements.map { $0["threads"] as? Int } == [1, 2, 1])
        for m in measurements {
            #expect(m["unit"] as? String == "command")
            #expect((m["opsPerSecond"] as? Double ?? 0) > 0)
            let ratios = try #require(m["ratios"] as? [String: Any])
            #expect((ratios["target"] as? Double ?? 0) > 0)
        }
        let latencies = try #require(section["latencies"] as? [[String: Any]])
        #expect(latencies.map { $0["name"] as? String } == ["rdsh-run"])
        // A spawned rdsh that did not exit 0 would leave the latency out and say why in a note.
        #expect((latencies.first?["medianNs"] as? Double ?? 0) > 0)
        let targets = try #require(section["targets"] as? [[String: Any]])
        #expect(targets.count == 3, "targets: \(targets)")
        for t in targets {
            #expect(t["statement"] is String)
            #expect(t["measured"] as? Double != nil)
            #expect(t["passed"] as? Bool != nil)
        }
        #expect(targets.map { $0["limit"] as? Double } == [200, 50, 30])
        #expect(targets.map { $0["comparison"] as? String } == [">=", ">=", "<="])
    }

    @Test(.timeLimit(.minutes(1))) func boundsReportsRdshAsMediansAndRatiosToBoundsOfTheSameRun() throws {
        let section = try section("bounds")
        let measurements = try #require(section["measurements"] as? [[String: Any]])
        #expect(
            measurements.map { $0["name"] as? String } == [
                "handoff-1", "script-main", "handoff-2", "script-two-threads",
            ])
        for m in measurements {
            let median = try #require(m["nsPerOp"] as? Double)
            let low = try #require(m["minNsPerOp"] as? Double, "no spread: \(m)")
            let high = try #require(m["maxNsPerOp"] as? Double)
            #expect(low > 0 && low <= median && median <= high, "\(m)")
        }
        let ratios = measurements.compactMap { $0["ratios"] as? [String: Any] }
        #expect((ratios[1]["handoff-1"] as? Double ?? 0) > 0)
        #expect((ratios[3]["handoff-2"] as? Double ?? 0) > 0)
        let latencies = try #require(section["latencies"] as? [[String: Any]])
        #expect(
            latencies.map { $0["name"] as? String } == ["hello-world", "rdsh-run-1-line"],
            "notes: \(section["notes"] ?? "")")
        let targets = try #require(section["targets"] as? [[String: Any]])
        #expect(targets.map { $0["limit"] as? Double } == [2, 1.3, 1.5], "targets: \(targets)")
        #expect(targets.allSatisfy { $0["comparison"] as? String == "<=" && $0["unit"] as? String == "x" })
    }

    @Test func testRunnerRunsTheWholeCorpusAndEveryScriptPasses() throws {
        let section = try section("test-runner")
        let latencies = try #require(section["latencies"] as? [[String: Any]])
        #expect(latencies.map { $0["name"] as? String } == ["corpus"])
        let targets = try #require(section["targets"] as? [[String: Any]])
        let all = try #require(targets.first { ($0["statement"] as? String)?.hasPrefix("all 200") == true })
        #expect(all["measured"] as? Double == 200, "notes: \(section["notes"] ?? "")")
        #expect(all["passed"] as? Bool == true)
    }
}

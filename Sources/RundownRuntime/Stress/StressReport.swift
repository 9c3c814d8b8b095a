/// What `rdsh stress` observed for one `.par` block: the histogram of outcomes over the runs,
/// each checked against the block's explored outcomes.
public struct StressReport: Sendable {
    public struct Entry: Sendable {
        public var outcome: ParOutcome
        /// Runs that ended in it.
        public var runs: Int
        /// The first run (1-based) that ended in it.
        public var firstRun: Int
        /// True when exploration allows it.
        public var allowed: Bool
    }

    public var file: String
    public var line: Int
    /// Runs asked for.
    public var requested: Int
    /// Runs that ended (finished or blocked); fewer than requested after a hang.
    public var runs: Int
    public var seconds: Double
    /// Whether the exploration the outcomes are checked against was exhaustive.
    public var exhaustive: Bool
    /// In the order first observed.
    public var entries: [Entry]
    /// Allowed outcomes (as a free run sees them) that no run ended in.
    public var neverObserved: [ParOutcome]
    /// Set when the block was not run, and why.
    public var skipped: String?
    /// Set when a run hung: its number.
    public var hungRun: Int?

    public var runsPerSecond: Double { seconds > 0 ? Double(runs) / seconds : 0 }

    /// The header line, one line per observed outcome, one per allowed outcome never seen.
    public var lines: [String] {
        if let skipped { return ["stress: block not run: \(skipped)"] }
        let observed = entries.count
        let allowed = entries.filter(\.allowed).count + neverObserved.count
        var header =
            "stress: \(runs) run\(runs == 1 ? "" : "s"), \(observed) outcome\(observed == 1 ? "" : "s") observed of \(allowed) allowed"
        if !exhaustive { header += " (exploration not exhaustive)" }
        header += ", " + formatRate()
        if let hungRun { header += ", hung at run \(hungRun)" }
        var lines = [header]
        for entry in entries {
            let summary = entry.outcome.summary.isEmpty ? "(nothing observed)" : entry.outcome.summary
            let mark = entry.allowed ? "" : "  NOT ALLOWED (first at run \(entry.firstRun))"
            lines.append("\(entry.runs) run\(entry.runs == 1 ? "" : "s"): \(summary)\(mark)")
        }
        for outcome in neverObserved {
            let summary = outcome.summary.isEmpty ? "(nothing observed)" : outcome.summary
            lines.append("never observed: \(summary)")
        }
        return lines
    }

    private func formatRate() -> String {
        let rate = Int(runsPerSecond.rounded())
        let tenths = Int((seconds * 100).rounded())
        return "\(tenths / 100).\(tenths % 100 < 10 ? "0" : "")\(tenths % 100) s (\(rate) runs/s)"
    }

    /// `{"file":...,"line":...,"runs":...,"outcomes":[...],"never_observed":[...]}`.
    public var json: String {
        var fields = [
            "\"file\":\(JSONText.string(file))", "\"line\":\(line)", "\"requested\":\(requested)",
            "\"runs\":\(runs)", "\"seconds\":\(seconds)", "\"exhaustive\":\(exhaustive)",
        ]
        if let skipped { fields.append("\"skipped\":\(JSONText.string(skipped))") }
        if let hungRun { fields.append("\"hung_run\":\(hungRun)") }
        let outcomes = entries.map { entry in
            ParReport.Entry(outcome: entry.outcome, schedules: entry.runs, witness: "").outcomeJSON(
                extra: "\"runs\":\(entry.runs),\"first_run\":\(entry.firstRun),\"allowed\":\(entry.allowed)")
        }
        fields.append("\"outcomes\":[" + outcomes.joined(separator: ",") + "]")
        let never = neverObserved.map {
            ParReport.Entry(outcome: $0, schedules: 0, witness: "").outcomeJSON(extra: nil)
        }
        fields.append("\"never_observed\":[" + never.joined(separator: ",") + "]")
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Every report as `{"blocks":[...]}`.
    public static func json(_ reports: [StressReport]) -> String {
        "{\"blocks\":[" + reports.map(\.json).joined(separator: ",") + "]}"
    }
}

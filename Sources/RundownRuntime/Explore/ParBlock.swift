import RundownScript

/// One line of a `.par` block: a call or a `.cpu`, on one thread.
struct ParLine {
    enum Kind {
        case call(Call)
        case cpu(Int)
    }

    let thread: String
    let kind: Kind
    let sourceText: String
    let location: SourceLocation
}

/// A `.par` block while it is collected, and once closed, what is explored.
final class ParCollector {
    /// Where `.par` was written.
    let location: SourceLocation
    let options: ParOptions
    /// The `.par` line as written, for carets.
    var sourceText: String?
    var lines: [ParLine] = []
    /// Thread names in order of first appearance.
    var threads: [String] = []
    /// Names bound in the block, in written order, with the line that binds them.
    var bindings: [(name: String, line: Int)] = []
    /// Names bound in the block to a BOOLEAN result.
    var booleanBindings: Set<String> = []
    /// Handles named in the block (arguments and allocations), in order of first appearance.
    var handleNames: [String] = []
    /// Set when a line of the block was refused: the block is not explored.
    var failed = false

    init(location: SourceLocation, options: ParOptions) {
        self.location = location
        self.options = options
    }

    func noteThread(_ name: String) {
        if !threads.contains(name) { threads.append(name) }
    }

    func noteHandle(_ name: String) {
        if !handleNames.contains(name) { handleNames.append(name) }
    }
}

/// A diagnostic raised during a schedule: its code and the line it points at.
struct ParDiagnostic: Hashable, Comparable {
    let code: DiagnosticCode
    let line: Int

    static func < (a: ParDiagnostic, b: ParDiagnostic) -> Bool {
        (a.line, a.code.rawValue) < (b.line, b.code.rawValue)
    }
}

/// What a schedule raised while its output was captured.
final class ParCapture {
    var diagnostics: Set<ParDiagnostic> = []
}

/// The end state of one schedule. Schedules with equal outcomes are one outcome.
public struct ParOutcome: Hashable, Sendable {
    public struct HandleState: Hashable, Sendable {
        public var name: String
        /// live, waiting, stale, completed, sweeping, freed; `none` when the name is unbound,
        /// `NULL` for a failed allocation.
        public var state: String
        public var holders: Int
        public var slots: [Int]?
    }

    public struct DiagnosticEntry: Hashable, Sendable {
        public var code: String
        public var line: Int
        /// The text of the block line it points at (`A: ExReleaseRundownProtection R`), when
        /// it points into the block.
        public var text: String?
    }

    /// Bindings made in the block, in written order: `TRUE`, `FALSE`, a number, `NULL`, or
    /// `none` when the call was refused or skipped.
    public let bindings: [(name: String, value: String)]
    public let handles: [HandleState]
    /// Threads still blocked when no thread had a step left.
    public let blocked: [String]
    public let diagnostics: [DiagnosticEntry]
    /// `ok=TRUE, R stale holders=0, blocked W, RELEASE_AFTER_RUNDOWN at "A: ExReleaseRundownProtection R"`: the outcome's
    /// identity (equal summaries, equal outcomes), computed once.
    public let summary: String

    public init(
        bindings: [(name: String, value: String)], handles: [HandleState], blocked: [String],
        diagnostics: [DiagnosticEntry]
    ) {
        self.bindings = bindings
        self.handles = handles
        self.blocked = blocked
        self.diagnostics = diagnostics
        var parts: [String] = bindings.map { "\($0.name)=\($0.value)" }
        for handle in handles {
            var text = "\(handle.name) \(handle.state)"
            if handle.state != "none" && handle.state != "NULL" {
                text += " holders=\(handle.holders)"
                if let slots = handle.slots {
                    text += " slots=[" + slots.map(String.init).joined(separator: ",") + "]"
                }
            }
            parts.append(text)
        }
        if !blocked.isEmpty { parts.append("blocked " + blocked.joined(separator: " ")) }
        for diagnostic in diagnostics {
            parts.append(
                diagnostic.text.map { "\(diagnostic.code) at \"\($0)\"" }
                    ?? "\(diagnostic.code) line \(diagnostic.line)")
        }
        summary = parts.joined(separator: ", ")
    }

    /// Equal summaries and diagnostics on the same lines (two lines of the block may have the
    /// same text).
    public static func == (a: ParOutcome, b: ParOutcome) -> Bool {
        a.summary == b.summary && a.diagnostics.map(\.line) == b.diagnostics.map(\.line)
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(summary) }
}

/// The result of exploring one block: every distinct outcome with a count and a witness.
public struct ParReport: Sendable {
    public struct Entry: Sendable {
        public var outcome: ParOutcome
        /// Schedules that reach it.
        public var schedules: Int
        /// The first schedule found that reaches it: `A.1 W.1 A.2`.
        public var witness: String
    }

    public var file: String
    public var line: Int
    public var schedules: Int
    public var exhaustive: Bool
    public var budget: Int
    public var seed: UInt64
    /// Schedules actually started (the state cache and the sampling run fewer than they
    /// represent); nil when not measured.
    public var run: Int?
    /// In the order they were first reached.
    public var entries: [Entry]
    /// At `granularity=atomic`: the preemption bound the schedules kept to.
    public var preemptionBound: Int? = nil
    /// Ctrl-C stopped the exploration (in the REPL): the table has what ran until then.
    public var interrupted = false
    /// A step did not settle within the watchdog's limit (WATCHDOG was reported): the
    /// exploration stopped there.
    public var stoppedByWatchdog = false

    /// The header line and one line per outcome.
    public var lines: [String] {
        let schedulesText = "\(schedules) schedule\(schedules == 1 ? "" : "s")"
        let outcomesText = "\(entries.count) outcome\(entries.count == 1 ? "" : "s")"
        var how =
            exhaustive
            ? "exhaustive"
            : stoppedByWatchdog
                ? "not exhaustive (stopped by WATCHDOG: a thread did not settle; budget \(budget), seed=\(seed))"
                : interrupted
                    ? "not exhaustive (interrupted by Ctrl-C; budget \(budget), seed=\(seed))"
                    : "not exhaustive (budget \(budget), seed=\(seed))"
        if let preemptionBound { how += ", atomic steps, preemptions <= \(preemptionBound)" }
        var lines = ["par: \(schedulesText), \(outcomesText), \(how)"]
        for entry in entries {
            let count = "\(entry.schedules) schedule\(entry.schedules == 1 ? "" : "s")"
            let summary = entry.outcome.summary
            let witness = entry.witness.isEmpty ? "(no step)" : entry.witness
            lines.append("\(count): \(summary.isEmpty ? "(nothing observed)" : summary); witness \(witness)")
        }
        return lines
    }
}

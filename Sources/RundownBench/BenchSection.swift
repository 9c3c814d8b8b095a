/// One part of `rdsh bench` (the library primitives now; the interpreter and the test runner
/// can be added later as further sections, each in its own file, listed in
/// ``RundownBench/sections``).
public protocol BenchSection: Sendable {
    /// Short name, matched by `--filter` (e.g. "library").
    var name: String { get }
    /// One line saying what the section measures.
    var title: String { get }
    /// Runs the measurements. `progress` receives one line per step (for a terminal).
    func run(_ options: BenchOptions, progress: (String) -> Void) -> BenchSectionReport
}

/// What the user asked for.
public struct BenchOptions: Sendable {
    /// Fewer iterations and samples: a smoke run in seconds, not a measurement.
    public var quick: Bool
    /// Case-insensitive substring: a section runs when its name matches, and inside a
    /// section only the measurements whose name matches (all of them when the section name
    /// matched, or when nil).
    public var filter: String?
    /// Repetitions per measurement; the best is kept.
    public var repetitions: Int

    public init(quick: Bool = false, filter: String? = nil, repetitions: Int? = nil) {
        self.quick = quick
        self.filter = filter
        self.repetitions = repetitions ?? (quick ? 2 : 9)
    }

    /// Whether a measurement named `name` in section `section` should run.
    public func selects(_ name: String, in section: String) -> Bool {
        guard let filter, !filter.isEmpty else { return true }
        let f = filter.lowercased()
        return section.lowercased().contains(f) || name.lowercased().contains(f)
    }
}

/// A throughput measurement: time per operation and operations per second (all threads).
public struct BenchMeasurement: Sendable, Equatable {
    /// Stable identifier, e.g. "plain".
    public var name: String
    /// What is measured, e.g. "EX_RUNDOWN_REF acquire+release".
    public var label: String
    public var threads: Int
    /// What one operation is ("pair", "line", "script").
    public var unit: String
    /// Wall time per operation seen by one thread, in nanoseconds.
    public var nsPerOp: Double
    /// Operations per second, all threads together.
    public var opsPerSecond: Double
    /// Ratios to baselines, in display order: (baseline name, this / baseline in time per op).
    public var ratios: [BenchRatio]
    /// When `nsPerOp` is a median over repetitions: their range (time per op).
    public var spread: Spread?

    public init(
        name: String, label: String, threads: Int, unit: String, nsPerOp: Double, opsPerSecond: Double,
        ratios: [BenchRatio] = [], spread: Spread? = nil
    ) {
        self.spread = spread
        self.name = name
        self.label = label
        self.threads = threads
        self.unit = unit
        self.nsPerOp = nsPerOp
        self.opsPerSecond = opsPerSecond
        self.ratios = ratios
    }
}

/// `value` = this measurement's time per op divided by `baseline`'s (below 1: faster).
public struct BenchRatio: Sendable, Equatable {
    public var baseline: String
    public var value: Double
    public init(baseline: String, value: Double) {
        self.baseline = baseline
        self.value = value
    }
}

/// A latency distribution in nanoseconds.
public struct BenchLatency: Sendable, Equatable {
    public var name: String
    public var label: String
    public var samples: Int
    public var medianNs: Double
    public var p99Ns: Double
    public var minNs: Double
    public var maxNs: Double

    public init(name: String, label: String, sortedSamples: [Double]) {
        self.name = name
        self.label = label
        samples = sortedSamples.count
        func at(_ q: Double) -> Double {
            guard !sortedSamples.isEmpty else { return 0 }
            let index = min(sortedSamples.count - 1, Int((Double(sortedSamples.count - 1) * q).rounded()))
            return sortedSamples[index]
        }
        medianNs = at(0.5)
        p99Ns = at(0.99)
        minNs = sortedSamples.first ?? 0
        maxNs = sortedSamples.last ?? 0
    }
}

/// A target of the issue, checked against what was measured.
public struct BenchTarget: Sendable, Equatable {
    /// The target as stated, e.g. "plain pair at 1 thread <= 1.5 x raw atomic pair".
    public var statement: String
    /// The measured value in the statement's terms (a ratio, or microseconds).
    public var measured: Double
    /// The bound.
    public var limit: Double
    /// True when `measured` must be at most `limit`; false when at least.
    public var atMost: Bool
    /// Unit of `measured` and `limit` ("x" or "us").
    public var unit: String

    public var passed: Bool { atMost ? measured <= limit : measured >= limit }

    public init(statement: String, measured: Double, limit: Double, atMost: Bool, unit: String) {
        self.statement = statement
        self.measured = measured
        self.limit = limit
        self.atMost = atMost
        self.unit = unit
    }
}

/// Everything one section measured.
public struct BenchSectionReport: Sendable {
    public var name: String
    public var title: String
    public var measurements: [BenchMeasurement]
    public var latencies: [BenchLatency]
    public var targets: [BenchTarget]
    /// Remarks on method or conditions (printed under the table).
    public var notes: [String]
    /// Cases the filter selected that could not be measured, each with its reason (printed as
    /// notes). A section with one is reported even when it has no figure, so that the reason
    /// is seen.
    public var unmeasured: [String]

    public init(
        name: String, title: String, measurements: [BenchMeasurement] = [], latencies: [BenchLatency] = [],
        targets: [BenchTarget] = [], notes: [String] = [], unmeasured: [String] = []
    ) {
        self.name = name
        self.title = title
        self.measurements = measurements
        self.latencies = latencies
        self.targets = targets
        self.notes = notes
        self.unmeasured = unmeasured
    }

    /// Something to report: a figure, or a reason a selected case has none.
    var hasContent: Bool { !measurements.isEmpty || !latencies.isEmpty || !unmeasured.isEmpty }
}

/// One `rdsh bench` run.
public struct BenchReport: Sendable {
    /// "release" or "debug".
    public var build: String
    /// Processors this process may run on.
    public var processors: Int
    public var repetitions: Int
    public var quick: Bool
    public var sections: [BenchSectionReport]

    /// True when every target that was checked passed.
    public var allTargetsPassed: Bool { sections.allSatisfy { $0.targets.allSatisfy(\.passed) } }
}

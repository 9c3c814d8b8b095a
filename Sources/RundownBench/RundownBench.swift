import CRundownSupport
import RundownRuntime

/// `rdsh bench`: runs the benchmark sections and renders the result as a table or as JSON.
///
/// Sections are independent: another part of the project adds one by writing a type that
/// conforms to ``BenchSection`` in its own file and listing it in ``sections``.
public enum RundownBench {
    /// Every section, in the order they run.
    public static let sections: [any BenchSection] = [
        LibraryBench(), InterpreterBench(), BoundsBench(), TestRunnerBench(), ScaleBench(), ExploreBench(),
        StressBench(),
    ]

    /// "release" or "debug": debug numbers say nothing about the library.
    public static var buildConfiguration: String {
        #if DEBUG
            "debug"
        #else
            "release"
        #endif
    }

    /// Runs the sections `options` selects.
    public static func run(
        _ options: BenchOptions, sections: [any BenchSection] = sections,
        progress: (String) -> Void = { _ in }
    ) -> BenchReport {
        var reports: [BenchSectionReport] = []
        for section in sections {
            // The section skips the measurements the filter does not select; a section left
            // with nothing is not reported.
            progress("\(section.name): \(section.title)")
            let report = section.run(options, progress: progress)
            if report.hasContent { reports.append(report) }
        }
        return BenchReport(
            build: buildConfiguration, processors: Int(rd_online_cpus()), repetitions: options.repetitions,
            quick: options.quick, sections: reports)
    }

    // MARK: - Table

    /// The human-readable report.
    public static func table(_ report: BenchReport) -> String {
        var out: [String] = []
        out.append(
            "rdsh bench: \(report.build) build, \(report.processors) processor\(report.processors == 1 ? "" : "s"), "
                + "\(report.repetitions) repetitions (library: best; interpreter, bounds, test runner: median)\(report.quick ? " (quick: not a measurement)" : "")"
        )
        if report.build != "release" {
            out.append("warning: debug build; measure with `swift build -c release` and run that rdsh")
        }
        for section in report.sections {
            out.append("")
            out.append("\(section.name): \(section.title)")
            if !section.measurements.isEmpty {
                let baselines = orderedBaselines(section.measurements)
                let medians = section.measurements.contains { $0.spread != nil }
                var rows: [[String]] = [
                    [
                        "primitive", "threads",
                        "ns/\(section.measurements[0].unit)\(medians ? " (median)" : "")",
                    ]
                        + (medians ? ["min-max"] : []) + ["M/s (all threads)"]
                        + baselines.map { "vs \($0)" }
                ]
                for m in section.measurements {
                    var row = [m.name, String(m.threads), formatted(m.nsPerOp)]
                    if medians {
                        row.append(m.spread.map { "\(formatted($0.low))-\(formatted($0.high))" } ?? "-")
                    }
                    row.append(formatted(m.opsPerSecond / 1e6))
                    for baseline in baselines {
                        row.append(
                            m.ratios.first { $0.baseline == baseline }.map {
                                formatted($0.value, decimals: 2) + "x"
                            } ?? "-")
                    }
                    rows.append(row)
                }
                out += columns(rows, rightAligned: Set(1..<rows[0].count))
            }
            if !section.latencies.isEmpty {
                out.append("")
                var rows: [[String]] = [["latency", "samples", "median us", "p99 us", "min us", "max us"]]
                for l in section.latencies {
                    rows.append([
                        l.name, String(l.samples), formatted(l.medianNs / 1000), formatted(l.p99Ns / 1000),
                        formatted(l.minNs / 1000), formatted(l.maxNs / 1000),
                    ])
                }
                out += columns(rows, rightAligned: Set(1..<6))
            }
            if !section.targets.isEmpty {
                out.append("")
                out.append("targets:")
                for t in section.targets {
                    let measured = formatted(t.measured, decimals: 2) + (t.unit == "x" ? "x" : " \(t.unit)")
                    out.append("  \(t.passed ? "PASS" : "FAIL")  \(t.statement): measured \(measured)")
                }
            }
            for note in section.unmeasured + section.notes { out.append("note: \(note)") }
        }
        return out.joined(separator: "\n")
    }

    static func orderedBaselines(_ measurements: [BenchMeasurement]) -> [String] {
        var seen: [String] = []
        for m in measurements {
            for r in m.ratios where !seen.contains(r.baseline) { seen.append(r.baseline) }
        }
        return seen
    }

    static func columns(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let count = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }

    // MARK: - JSON

    /// The same report as JSON (one object; numbers in ns unless the key says otherwise).
    public static func json(_ report: BenchReport) -> String {
        var sections: [JSON] = []
        for s in report.sections {
            sections.append(
                .object([
                    ("name", .string(s.name)),
                    ("title", .string(s.title)),
                    (
                        "measurements",
                        .array(
                            s.measurements.map { m in
                                var members: [(String, JSON)] = [
                                    ("name", .string(m.name)), ("label", .string(m.label)),
                                    ("threads", .int(m.threads)),
                                    ("unit", .string(m.unit)), ("nsPerOp", .number(m.nsPerOp)),
                                    ("opsPerSecond", .number(m.opsPerSecond)),
                                    ("ratios", .object(m.ratios.map { ($0.baseline, .number($0.value)) })),
                                ]
                                if let spread = m.spread {
                                    members.append(("minNsPerOp", .number(spread.low)))
                                    members.append(("maxNsPerOp", .number(spread.high)))
                                }
                                return JSON.object(members)
                            })
                    ),
                    (
                        "latencies",
                        .array(
                            s.latencies.map { l in
                                .object([
                                    ("name", .string(l.name)), ("label", .string(l.label)),
                                    ("samples", .int(l.samples)),
                                    ("medianNs", .number(l.medianNs)), ("p99Ns", .number(l.p99Ns)),
                                    ("minNs", .number(l.minNs)), ("maxNs", .number(l.maxNs)),
                                ])
                            })
                    ),
                    (
                        "targets",
                        .array(
                            s.targets.map { t in
                                .object([
                                    ("statement", .string(t.statement)), ("measured", .number(t.measured)),
                                    ("limit", .number(t.limit)),
                                    ("comparison", .string(t.atMost ? "<=" : ">=")),
                                    ("unit", .string(t.unit)), ("passed", .bool(t.passed)),
                                ])
                            })
                    ),
                    ("notes", .array(s.notes.map { .string($0) })),
                    ("unmeasured", .array(s.unmeasured.map { .string($0) })),
                ]))
        }
        let root = JSON.object([
            ("build", .string(report.build)), ("processors", .int(report.processors)),
            ("repetitions", .int(report.repetitions)), ("quick", .bool(report.quick)),
            ("allTargetsPassed", .bool(report.allTargetsPassed)), ("sections", .array(sections)),
        ])
        return root.rendered(indent: 0)
    }
}

/// A minimal JSON value and writer (no Foundation).
enum JSON {
    case string(String)
    case int(Int)
    case number(Double)
    case bool(Bool)
    case array([JSON])
    case object([(String, JSON)])

    func rendered(indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch self {
        case .string(let s): return JSON.quote(s)
        case .int(let i): return String(i)
        case .number(let d): return d.isFinite ? String(d) : "null"
        case .bool(let b): return b ? "true" : "false"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { pad + $0.rendered(indent: indent + 1) }.joined(separator: ",\n")
                + "\n\(close)]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            return "{\n"
                + members.map { pad + JSON.quote($0.0) + ": " + $0.1.rendered(indent: indent + 1) }
                .joined(separator: ",\n") + "\n\(close)}"
        }
    }

    static func quote(_ s: String) -> String { JSONText.string(s) }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

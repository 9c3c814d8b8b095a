import CRundownSupport
import Glibc
import RundownCheck
import RundownRuntime

/// The scale section (issue 13, "Linear cost"): each growth case runs in a real `Session` at
/// two sizes, the second ten times the first, and fails when the larger run takes more than
/// 15 times as long: cost that grows faster than the work (a scan per line, a list rebuilt
/// per call) shows up as a ratio well above 10.
public struct ScaleBench: BenchSection {
    public let name = "scale"
    public let title = "growth cases at sizes ten times apart: 10x the work must take at most 15x the time"

    /// The largest ratio of times allowed for ten times the work.
    public static let maximumRatio = 15.0

    public init() {}

    /// One growth case: a script for a size, and the size of the small run.
    struct GrowthCase {
        let name: String
        let label: String
        let small: Int
        /// The script for `size` units of work, written into `directory` when it needs files.
        let script: (_ size: Int, _ directory: String) -> String
        /// Whether a clean run reports no error (the holder case ends with none either).
        var expectsClean = true
        /// Sizes of a full (not `--quick`) run when more than two: every pair ten times apart
        /// gets a target (issue 14: 1k to 1M lines, 1 to 1000 threads).
        var fullSizes: [Int]? = nil
        /// Empty rdsh's pool of parked threads before each run, so that every thread the run
        /// uses is created: with a warm pool (64 threads) a run of up to 64 threads would cost
        /// less per thread than a larger one, and the growth would measure the pool.
        var drainsThreadPool = false

        func sizes(quick: Bool) -> [Int] {
            if !quick, let fullSizes { return fullSizes }
            return [small, small * 10]
        }
    }

    static func cases(quick: Bool) -> [GrowthCase] {
        let scale = quick ? 1 : 2
        return [
            GrowthCase(
                name: "pool", label: "cache-aware allocations, then their frees", small: 500 * scale,
                script: { size, _ in
                    var text = ""
                    for i in 0..<size {
                        text += "C\(i) = ExAllocateCacheAwareRundownProtection NonPagedPool 'RtSc'\n"
                    }
                    for i in 0..<size { text += "ExFreeCacheAwareRundownProtection C\(i)\n" }
                    return text
                }),
            GrowthCase(
                name: "threads", label: "one acquire and release on each of N threads", small: 250 * scale,
                script: { size, _ in
                    var text = "EX_RUNDOWN_REF R\n"
                    for i in 0..<size {
                        text += "T\(i): ExAcquireRundownProtection R\nT\(i): ExReleaseRundownProtection R\n"
                    }
                    return text
                }, fullSizes: [1, 10, 100, 500, 1_000, 5_000], drainsThreadPool: true),
            GrowthCase(
                name: "lines", label: "acquire/release lines on main (script size)", small: 5_000 * scale,
                script: { size, _ in
                    "EX_RUNDOWN_REF R\n"
                        + String(
                            repeating: "ExAcquireRundownProtection R\nExReleaseRundownProtection R\n",
                            count: size / 2)
                }, fullSizes: [1_000, 10_000, 100_000, 1_000_000]),
            GrowthCase(
                name: "read-fan-out", label: "lines run through .read, a file read 10 x 10 times",
                small: 1_000 * scale,
                script: { size, directory in
                    let leaf = "leaf-\(size).inc"
                    let middle = "middle-\(size).inc"
                    let perLeaf = max(1, size / 100)
                    _ = ScaleBench.write(
                        FileSystem.join(directory, leaf),
                        String(repeating: "ExAcquireRundownProtection R\n", count: perLeaf / 2 + perLeaf % 2)
                            + String(repeating: "ExReleaseRundownProtection R\n", count: perLeaf / 2))
                    _ = ScaleBench.write(
                        FileSystem.join(directory, middle),
                        String(repeating: ".read \(leaf)\n", count: 10))
                    return "EX_RUNDOWN_REF R\n" + String(repeating: ".read \(middle)\n", count: 10)
                }),
            GrowthCase(
                name: "holders", label: "N acquires on N lines, then a wait that lists the holders",
                small: 300 * scale,
                script: { size, _ in
                    "EX_RUNDOWN_REF R\n"
                        + String(repeating: "ExAcquireRundownProtection R\n", count: size)
                        + "W: ExWaitForRundownProtectionRelease R\nExReleaseRundownProtectionEx R \(size)\n"
                }),
        ]
    }

    public func run(_ options: BenchOptions, progress: (String) -> Void) -> BenchSectionReport {
        let repetitions = max(1, min(options.repetitions, 3))
        var measurements: [BenchMeasurement] = []
        var targets: [BenchTarget] = []
        var notes: [String] = []
        let selected = Self.cases(quick: options.quick).filter { options.selects($0.name, in: name) }
        if selected.isEmpty { return BenchSectionReport(name: name, title: title) }
        var template = Array("/tmp/rdsh-scale-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            return BenchSectionReport(
                name: name, title: title,
                unmeasured: [
                    "scale: not measured: cannot create a temporary directory: \(String(cString: strerror(errno)))"
                ])
        }
        let directory = String(cString: made)
        defer { ScaleBench.removeTree(directory) }

        for growth in selected {
            var seconds: [Double] = []
            let sizes = growth.sizes(quick: options.quick)
            for size in sizes {
                let path = FileSystem.join(directory, "\(growth.name)-\(size).rdsh")
                let text = growth.script(size, directory)
                guard ScaleBench.write(path, text) else {
                    notes.append("\(growth.name): cannot write \(path)")
                    break
                }
                var best = UInt64.max
                for _ in 0..<repetitions {
                    if growth.drainsThreadPool { BenchThreads.drainThreadPool() }
                    let sink = DiscardingSink()
                    let session = Session(options: SessionOptions(), sink: sink)
                    let start = rd_now_ns()
                    session.runScript(bytes: Array(text.utf8), file: path)
                    best = min(best, rd_now_ns() &- start)
                    if growth.expectsClean && session.errorCount != 0 {
                        notes.append(
                            "\(growth.name) at \(size): \(session.errorCount) errors: the figure is not valid"
                        )
                    }
                    // The run's threads wait in the pool, and those beyond its capacity end a
                    // second later: gone now, they do not end inside the next measurement.
                    if growth.drainsThreadPool { BenchThreads.drainThreadPool() }
                }
                let elapsed = Double(best) / 1e9
                seconds.append(elapsed)
                measurements.append(
                    BenchMeasurement(
                        name: "\(growth.name)-\(size)", label: "\(growth.label), N = \(size)", threads: 1,
                        unit: "unit", nsPerOp: Double(best) / Double(size),
                        opsPerSecond: Double(size) / max(elapsed, 1e-9)))
                progress("  \(growth.name) N=\(size): \(formatted(elapsed * 1000, decimals: 1)) ms")
            }
            guard seconds.count == sizes.count else { continue }
            if growth.drainsThreadPool {
                notes.append(
                    "\(growth.name): rdsh's pool of parked threads was emptied before each run, so every "
                        + "thread of the run was created")
            }
            for (i, small) in sizes.enumerated() {
                guard let j = sizes.firstIndex(of: small * 10) else { continue }
                let ratio = seconds[j] / max(seconds[i], 1e-9)
                let suffix = sizes.count > 2 ? " (N = \(small) to \(small * 10))" : ""
                targets.append(
                    BenchTarget(
                        statement:
                            "\(growth.name): time for 10x the work <= \(Int(Self.maximumRatio))x the time"
                            + suffix,
                        measured: ratio, limit: Self.maximumRatio, atMost: true, unit: "x"))
                notes.append(
                    "\(growth.name): N = \(small) in \(formatted(seconds[i] * 1000, decimals: 1)) ms, "
                        + "N = \(small * 10) in \(formatted(seconds[j] * 1000, decimals: 1)) ms: "
                        + "\(formatted(ratio, decimals: 1))x")
            }
        }
        return BenchSectionReport(
            name: name, title: title, measurements: measurements, targets: targets, notes: notes)
    }

    /// Writes `text` to `path`; false on any failure.
    static func write(_ path: String, _ text: String) -> Bool {
        if case .success = FileSystem.write(path, bytes: Array(text.utf8)) { return true }
        return false
    }

    /// Removes the files of a flat temporary directory, then the directory.
    static func removeTree(_ directory: String) {
        guard let dir = opendir(directory) else { return }
        while let entry = readdir(dir) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if entryName == "." || entryName == ".." { continue }
            unlink(FileSystem.join(directory, entryName))
        }
        closedir(dir)
        rmdir(directory)
    }
}

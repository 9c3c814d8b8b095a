import CRundownSupport
import Glibc
import RundownRuntime

/// The bounds section (issue 14): rdsh's interpreter and start-up as ratios to bounds measured
/// in the same run, so that a busy host slows both sides alike.
///
/// - the spin hand-off bound (``HandoffBound``) with one worker, against the script-main
///   script, and with two workers, against the alternating script;
/// - a Swift hello-world, compiled by this section at run time with `swiftc -O` (plus
///   `-static-stdlib` when this rdsh carries its Swift runtime statically), against a 1-line
///   `rdsh run`.
///
/// Each repetition runs rdsh and its bound back to back; the ratio reported is the median of
/// the per-repetition ratios, with their spread.
public struct BoundsBench: BenchSection {
    public let name = "bounds"
    public let title = "rdsh as ratios to its bounds, measured in the same run"

    /// The issue's limits (time of rdsh / time of the bound).
    public static let mainLimit = 2.0
    public static let twoThreadLimit = 1.3
    public static let startupLimit = 1.5

    public init() {}

    /// The 1-line script of the start-up case.
    static let oneLineScript = "ExInitializeRundownProtection R\n"

    public func run(_ options: BenchOptions, progress: (String) -> Void) -> BenchSectionReport {
        let commands = options.quick ? InterpreterBench.quickCommands : InterpreterBench.fullCommands
        let repetitions = max(3, min(options.repetitions, 7))
        var measurements: [BenchMeasurement] = []
        var targets: [BenchTarget] = []
        var notes: [String] = []
        var unmeasured: [String] = []
        let load = HostLoad.Sampler()

        struct Pair {
            let name: String
            let boundName: String
            let workload: InterpreterBench.Workload
            let bound: [(Int, HandoffBound.Command)]
            let workers: Int
            let limit: Double
        }
        var pairs: [Pair] = []
        if options.selects("script-main-vs-handoff", in: name) {
            pairs.append(
                Pair(
                    name: "script-main", boundName: "handoff-1",
                    workload: InterpreterBench.mainWorkload(commands: commands),
                    bound: HandoffBound.mainCommands(commands), workers: 1, limit: Self.mainLimit))
        }
        if options.selects("script-two-threads-vs-handoff", in: name) {
            pairs.append(
                Pair(
                    name: "script-two-threads", boundName: "handoff-2",
                    workload: InterpreterBench.twoThreadWorkload(commands: commands),
                    bound: HandoffBound.twoThreadCommands(commands), workers: 2, limit: Self.twoThreadLimit))
        }
        for pair in pairs {
            var rdshNs: [Double] = []
            var boundNs: [Double] = []
            var ratios: [Double] = []
            var problem: String?
            for _ in 0..<repetitions {
                load.sample()
                let bound = HandoffBound.run(workers: pair.workers, commands: pair.bound)
                if bound.trues != pair.workload.expectedEntries {
                    problem =
                        "\(pair.boundName): \(bound.trues) acquires returned TRUE, expected "
                        + "\(pair.workload.expectedEntries)"
                }
                let rdsh = InterpreterBench.runOnce(pair.workload)
                if let failure = rdsh.problem { problem = failure }
                let r = Double(rdsh.elapsed) / Double(pair.workload.commands)
                let b = Double(bound.elapsed) / Double(pair.bound.count)
                rdshNs.append(r)
                boundNs.append(b)
                ratios.append(r / b)
            }
            let boundSpread = Spread(boundNs)
            let rdshSpread = Spread(rdshNs)
            let ratio = Spread(ratios)
            measurements.append(
                BenchMeasurement(
                    name: pair.boundName,
                    label: "spin hand-off bound: pre-parsed commands through one atomic word to "
                        + "\(pair.workers) worker thread\(pair.workers == 1 ? "" : "s") running the library",
                    threads: pair.workers, unit: "command", nsPerOp: boundSpread.median,
                    opsPerSecond: 1e9 / boundSpread.median, spread: boundSpread))
            measurements.append(
                BenchMeasurement(
                    name: pair.name, label: pair.workload.label, threads: pair.workers, unit: "command",
                    nsPerOp: rdshSpread.median, opsPerSecond: 1e9 / rdshSpread.median,
                    ratios: [BenchRatio(baseline: pair.boundName, value: ratio.median)], spread: rdshSpread))
            targets.append(
                BenchTarget(
                    statement:
                        "\(pair.name): median time per command <= \(formatted(pair.limit, decimals: 1)) x "
                        + "the \(pair.boundName) bound",
                    measured: ratio.median, limit: pair.limit, atMost: true, unit: "x"))
            notes.append(
                "\(pair.name) / \(pair.boundName): median \(formatted(ratio.median, decimals: 2))x "
                    + "(\(formatted(ratio.low, decimals: 2))-\(formatted(ratio.high, decimals: 2))x over "
                    + "\(repetitions) paired runs); rdsh \(formatted(rdshSpread.median)) ns/command "
                    + "(\(formatted(rdshSpread.low))-\(formatted(rdshSpread.high))), bound "
                    + "\(formatted(boundSpread.median)) ns/command "
                    + "(\(formatted(boundSpread.low))-\(formatted(boundSpread.high)))")
            if let problem {
                notes.append(problem + ": the figure is not valid")
                targets.append(
                    BenchTarget(
                        statement: "\(pair.name): runs without diagnostics", measured: 0, limit: 1,
                        atMost: false, unit: "clean"))
            }
            progress(
                "  \(pair.name): \(formatted(rdshSpread.median)) ns/command, \(pair.boundName) "
                    + "\(formatted(boundSpread.median)) ns/command: \(formatted(ratio.median, decimals: 2))x")
        }

        var latencies: [BenchLatency] = []
        if options.selects("startup-vs-hello", in: name) {
            let runs = options.quick ? 5 : 31
            progress("  rdsh run of a 1-line script against a Swift hello-world (\(runs) runs each)")
            load.sample()
            switch Self.startup(runs: runs) {
            case .success(let result):
                let rdsh = BenchLatency(
                    name: "rdsh-run-1-line", label: "rdsh run of a 1-line script, spawn to exit",
                    sortedSamples: result.rdsh.sorted())
                let hello = BenchLatency(
                    name: "hello-world", label: "Swift hello-world (\(result.helloFlags)), spawn to exit",
                    sortedSamples: result.hello.sorted())
                latencies += [hello, rdsh]
                let ratio = Spread(zip(result.rdsh, result.hello).map { $0 / $1 })
                targets.append(
                    BenchTarget(
                        statement:
                            "rdsh run of a 1-line script: median <= \(formatted(Self.startupLimit, decimals: 1)) "
                            + "x a Swift hello-world built the same way",
                        measured: ratio.median, limit: Self.startupLimit, atMost: true, unit: "x"))
                notes.append(
                    "start-up: rdsh \(formatted(rdsh.medianNs / 1e6, decimals: 2)) ms, hello-world "
                        + "\(formatted(hello.medianNs / 1e6, decimals: 2)) ms (medians); paired ratio median "
                        + "\(formatted(ratio.median, decimals: 2))x (\(formatted(ratio.low, decimals: 2))-"
                        + "\(formatted(ratio.high, decimals: 2))x); this rdsh: \(result.rdshLinkage); "
                        + "hello-world: swiftc \(result.helloFlags)")
            case .failure(let error):
                unmeasured.append("start-up: not measured: \(error.message)")
            }
        }
        if measurements.isEmpty && latencies.isEmpty {
            return BenchSectionReport(name: name, title: title, unmeasured: unmeasured)
        }
        notes.append(
            "ratios: median of per-repetition ratios, rdsh and its bound run back to back; spreads are min-max."
        )
        notes.append(load.note(processors: Int(rd_online_cpus())))
        return BenchSectionReport(
            name: name, title: title, measurements: measurements, latencies: latencies, targets: targets,
            notes: notes, unmeasured: unmeasured)
    }

    // MARK: - Start-up

    struct Startup {
        var rdsh: [Double]
        var hello: [Double]
        var helloFlags: String
        var rdshLinkage: String
    }

    /// Whether this process maps the Swift runtime from a shared library.
    static func swiftRuntimeIsShared() -> Bool {
        guard let file = fopen("/proc/self/maps", "r") else { return true }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), file) != nil {
            if strstr(line, "libswiftCore.so") != nil { return true }
        }
        return false
    }

    /// Whether the ELF executable at `path` is position-dependent (`ET_EXEC`, linked with
    /// `-no-pie`): the hello-world is then linked so too, to be built the same way.
    static func isPositionDependent(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: 18)
        guard read(descriptor, &header, 18) == 18, header[0] == 0x7F, header[1] == 0x45 else { return false }
        // e_type, little-endian at offset 16: 2 is ET_EXEC, 3 ET_DYN (PIE).
        return header[16] == 2 && header[17] == 0
    }

    /// `swiftc` on PATH.
    static func swiftc() -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin"
        for directory in path.split(separator: ":") {
            let candidate = String(directory) + "/swiftc"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Builds the hello-world, then spawns it and `rdsh run` (a 1-line script) alternately.
    static func startup(runs: Int) -> Result<Startup, InterpreterBench.SpawnError> {
        guard let rdsh = InterpreterBench.rdshExecutable() else {
            return .failure(.init(message: "no rdsh executable beside \(CommandLine.arguments.first ?? "?")"))
        }
        guard let compiler = swiftc() else {
            return .failure(.init(message: "no swiftc on PATH to build the hello-world"))
        }
        var template = Array("/tmp/rdsh-bench-hello-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            return .failure(.init(message: "cannot create a temporary directory"))
        }
        let directory = String(cString: made)
        let source = directory + "/hello.swift"
        let binary = directory + "/hello"
        let script = directory + "/one-line.rdsh"
        defer {
            for file in [source, binary, script] { unlink(file) }
            rmdir(directory)
        }
        guard ScaleBench.write(source, "print(\"hello, world\")\n"), ScaleBench.write(script, oneLineScript)
        else { return .failure(.init(message: "cannot write into \(directory)")) }
        let shared = swiftRuntimeIsShared()
        let positionDependent = isPositionDependent(rdsh)
        var flags = ["-O"]
        if !shared { flags.append("-static-stdlib") }
        if positionDependent { flags += ["-Xclang-linker", "-no-pie"] }
        switch InterpreterBench.spawnAndWait(compiler, flags + [source, "-o", binary]) {
        case .failure(let error): return .failure(error)
        case .success(let status) where status != 0:
            return .failure(
                .init(message: "swiftc \(flags.joined(separator: " ")) hello.swift exited with \(status)"))
        case .success: break
        }
        var result = Startup(
            rdsh: [], hello: [], helloFlags: flags.joined(separator: " "),
            rdshLinkage: (shared ? "Swift runtime in shared libraries" : "Swift runtime linked statically")
                + (positionDependent ? ", position-dependent (no PIE)" : ""))
        for i in 0...runs {
            for (executable, arguments) in [(rdsh, ["run", script]), (binary, [])] {
                let start = rd_now_ns()
                switch InterpreterBench.spawnAndWait(executable, arguments) {
                case .failure(let error): return .failure(error)
                case .success(let status):
                    let elapsed = Double(rd_now_ns() &- start)
                    guard status == 0 else {
                        return .failure(.init(message: "\(executable) exited with status \(status)"))
                    }
                    guard i > 0 else { continue }  // run 0 warms the page cache
                    if executable == rdsh {
                        result.rdsh.append(elapsed)
                    } else {
                        result.hello.append(elapsed)
                    }
                }
            }
        }
        return .success(result)
    }
}

/// The median of some samples and their range.
public struct Spread: Sendable, Equatable {
    public var median: Double
    public var low: Double
    public var high: Double

    public init(_ samples: [Double]) {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else {
            self.init(median: 0, low: 0, high: 0)
            return
        }
        let mid = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        self.init(median: median, low: sorted[0], high: sorted[sorted.count - 1])
    }

    public init(median: Double, low: Double, high: Double) {
        self.median = median
        self.low = low
        self.high = high
    }
}

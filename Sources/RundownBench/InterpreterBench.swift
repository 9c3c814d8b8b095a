import CRundownSupport
import Glibc
import RundownRuntime
import Synchronization

/// The interpreter section (issue 3, "Speed"): generated scripts run through a real
/// `RundownRuntime.Session` into a ``DiscardingSink`` (parse, contract check, dispatch to the
/// worker thread, settle, emit), and the start-to-exit time of `rdsh run` on a 10-line script,
/// measured by spawning the real executable.
public struct InterpreterBench: BenchSection {
    public let name = "interpreter"
    public let title = "rdsh scripts through a real Session, and rdsh run start-up"

    /// Commands in each generated script (the issue's figure); `--quick` runs fewer.
    public static let fullCommands = 200_000
    public static let quickCommands = 10_000

    public init() {}

    /// A generated script and what a correct run of it must produce.
    struct Workload: Sendable {
        var name: String
        var label: String
        let threads: Int
        /// Commands/s the issue asks for.
        let target: Double
        let text: String
        /// Commands timed (the declaration line is not counted).
        let commands: Int
        /// Transcript entries a correct run emits (one `TRUE` per acquire).
        let expectedEntries: Int
        /// Run on a thread pinned to one processor, so the session's threads (which inherit
        /// its affinity) share that processor: the worst placement, reported without a target.
        var oneProcessor = false
    }

    /// One timed run of `workload` in a fresh session: nanoseconds, and what went wrong if
    /// the transcript was not the expected one.
    static func runOnce(_ workload: Workload) -> (elapsed: UInt64, problem: String?) {
        let sink = DiscardingSink()
        let session = Session(options: SessionOptions(), sink: sink)
        let start = rd_now_ns()
        session.runScript(text: workload.text, file: "<bench \(workload.name)>")
        let elapsed = rd_now_ns() &- start
        guard session.errorCount != 0 || session.warningCount != 0 || sink.count != workload.expectedEntries
        else { return (elapsed, nil) }
        return (
            elapsed,
            "\(workload.name): the run was not clean (\(session.errorCount) errors, "
                + "\(session.warningCount) warnings, \(sink.count) transcript entries, "
                + "expected \(workload.expectedEntries)): the figure is not valid"
        )
    }

    /// ``runOnce(_:)`` on a new thread pinned to the first allowed processor. rdsh's pool of
    /// parked threads is emptied first: a parked thread keeps the affinity it was made with,
    /// so the session's `main` would not have shared the processor.
    static func runPinned(_ workload: Workload) -> (elapsed: UInt64, problem: String?) {
        BenchThreads.drainThreadPool()
        let result = Mutex<(elapsed: UInt64, problem: String?)>((0, nil))
        let thread = BenchThreads.start {
            _ = rd_pin_current_thread(BenchThreads.processor(for: 0))
            let outcome = runOnce(workload)
            result.withLock { $0 = outcome }
        }
        pthread_join(thread, nil)
        return result.withLock { $0 }
    }

    /// `ExInitializeRundownProtection R`, then acquire/release pairs on `main`.
    static func mainWorkload(commands: Int) -> Workload {
        let pairs = commands / 2
        var text = "ExInitializeRundownProtection R\n"
        text.reserveCapacity(pairs * 64)
        for _ in 0..<pairs {
            text += "ExAcquireRundownProtection R\nExReleaseRundownProtection R\n"
        }
        return Workload(
            name: "script-main", label: "acquire/release commands on main", threads: 1, target: 200_000,
            text: text, commands: pairs * 2, expectedEntries: pairs)
    }

    /// Every command on the other thread from the one before: main acquires, T acquires,
    /// main releases, T releases.
    static func twoThreadWorkload(commands: Int) -> Workload {
        let rounds = commands / 4
        var text = "ExInitializeRundownProtection R\n"
        text.reserveCapacity(rounds * 140)
        for _ in 0..<rounds {
            text += "ExAcquireRundownProtection R\nT: ExAcquireRundownProtection R\n"
            text += "ExReleaseRundownProtection R\nT: ExReleaseRundownProtection R\n"
        }
        return Workload(
            name: "script-two-threads", label: "commands alternating between main and T:", threads: 2,
            target: 50_000, text: text, commands: rounds * 4, expectedEntries: rounds * 2)
    }

    /// The 10-line script `rdsh run` starts and finishes (its output goes to /dev/null).
    static let startupScript = """
        # rdsh bench: start-up of rdsh run
        ExInitializeRundownProtection R
        ExAcquireRundownProtection R
        T: ExAcquireRundownProtection R
        ExReleaseRundownProtection R
        T: ExReleaseRundownProtection R
        ExWaitForRundownProtectionRelease R
        ExRundownCompleted R
        ExAcquireRundownProtection R
        ExReInitializeRundownProtection R

        """

    public func run(_ options: BenchOptions, progress: (String) -> Void) -> BenchSectionReport {
        let commands = options.quick ? Self.quickCommands : Self.fullCommands
        // A 200 000-command run takes about a second: fewer repetitions than the library's,
        // but at least 3 so that the median means something.
        let repetitions = max(3, min(options.repetitions, 5))
        var measurements: [BenchMeasurement] = []
        var targets: [BenchTarget] = []
        var notes: [String] = []
        var unmeasured: [String] = []
        let load = HostLoad.Sampler()

        var workloads: [Workload] = []
        if options.selects("script-main", in: name) {
            workloads.append(Self.mainWorkload(commands: commands))
        }
        if options.selects("script-two-threads", in: name) {
            workloads.append(Self.twoThreadWorkload(commands: commands))
        }
        if options.selects("script-main-one-processor", in: name) {
            var pinned = Self.mainWorkload(commands: commands)
            pinned.name = "script-main-one-processor"
            pinned.label = "acquire/release commands on main, every thread on one processor"
            pinned.oneProcessor = true
            workloads.append(pinned)
        }
        for workload in workloads {
            var samples: [Double] = []
            var problem: String?
            for _ in 0..<repetitions {
                load.sample()
                let run = workload.oneProcessor ? Self.runPinned(workload) : Self.runOnce(workload)
                if let failure = run.problem { problem = failure }
                samples.append(Double(run.elapsed) / Double(workload.commands))
            }
            let spread = Spread(samples)
            let nsPerCommand = spread.median
            let perSecond = 1e9 / nsPerCommand
            let targetNs = 1e9 / workload.target
            measurements.append(
                BenchMeasurement(
                    name: workload.name, label: workload.label, threads: workload.threads, unit: "command",
                    nsPerOp: nsPerCommand, opsPerSecond: perSecond,
                    ratios: [BenchRatio(baseline: "target", value: nsPerCommand / targetNs)], spread: spread))
            if workload.oneProcessor {
                notes.append(
                    "\(workload.name): the script-main script with the coordinator and the session's threads "
                        + "pinned to one processor (as when the other is busy): "
                        + "\(grouped(Int(perSecond.rounded()))) commands/s = "
                        + "\(formatted(perSecond / workload.target, decimals: 2))x the target; no target of its own"
                )
            } else {
                targets.append(
                    BenchTarget(
                        statement: "\(workload.name): >= \(grouped(Int(workload.target))) commands/s",
                        measured: perSecond / 1000, limit: workload.target / 1000, atMost: false,
                        unit: "k commands/s"))
                notes.append(
                    "\(workload.name): \(grouped(Int(perSecond.rounded()))) commands/s = "
                        + "\(formatted(perSecond / workload.target, decimals: 2))x the target of "
                        + "\(grouped(Int(workload.target)))")
            }
            if let problem {
                notes.append(problem)
                targets.append(
                    BenchTarget(
                        statement: "\(workload.name): runs without diagnostics", measured: 0, limit: 1,
                        atMost: false, unit: "clean"))
            }
            progress(
                "  \(workload.name): \(grouped(Int(perSecond.rounded()))) commands/s "
                    + "(\(workload.commands) commands, median of \(repetitions); "
                    + "\(formatted(spread.low))-\(formatted(spread.high)) ns/command)")
        }

        var latencies: [BenchLatency] = []
        if options.selects("rdsh-run", in: name) {
            let runs = options.quick ? 5 : 21
            progress("  rdsh run of a 10-line script (\(runs) runs)")
            switch Self.startupSamples(runs: runs) {
            case .success(let samples):
                let latency = BenchLatency(
                    name: "rdsh-run", label: "rdsh run of a 10-line script, spawn to exit",
                    sortedSamples: samples.sorted())
                latencies.append(latency)
                targets.append(
                    BenchTarget(
                        statement: "rdsh run of a 10-line script: median < 30 ms",
                        measured: latency.medianNs / 1e6,
                        limit: 30, atMost: true, unit: "ms"))
                notes.append(
                    "rdsh-run: median \(formatted(latency.medianNs / 1e6, decimals: 2)) ms = "
                        + "\(formatted(latency.medianNs / 1e6 / 30, decimals: 2))x the 30 ms limit; "
                        + "posix_spawn of the rdsh executable to waitpid, output to /dev/null")
            case .failure(let error):
                unmeasured.append("rdsh-run: not measured: \(error.message)")
            }
        }

        notes.append(load.note(processors: Int(rd_online_cpus())))
        if !measurements.isEmpty {
            notes.insert(
                "scripts: \(commands) commands each (plus the declaration), Session.runScript into a "
                    + "DiscardingSink, parse + check + dispatch + settle; median of \(repetitions) runs "
                    + "(min-max beside it); "
                    + "vs target: time per command / the target's (below 1: faster).",
                at: 0)
        }
        return BenchSectionReport(
            name: name, title: title, measurements: measurements, latencies: latencies, targets: targets,
            notes: notes, unmeasured: unmeasured)
    }

    // MARK: - rdsh run start-up

    struct SpawnError: Error {
        let message: String
    }

    /// The `rdsh` executable: this process when it is rdsh, else the one beside it.
    static func rdshExecutable() -> String? {
        var candidates: [String] = []
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 {
            let own = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            candidates.append(directory(of: own) + "/rdsh")
        }
        let argument0 = CommandLine.arguments.first ?? ""
        if argument0.contains("/") { candidates.append(directory(of: argument0) + "/rdsh") }
        return candidates.first { access($0, X_OK) == 0 }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Wall times in nanoseconds of `rdsh run SCRIPT`, one per run (after one warm-up run).
    static func startupSamples(runs: Int) -> Result<[Double], SpawnError> {
        guard let executable = rdshExecutable() else {
            return .failure(
                SpawnError(message: "no rdsh executable beside \(CommandLine.arguments.first ?? "?")"))
        }
        var template = Array("/tmp/rdsh-bench-XXXXXX.rdsh".utf8CString)
        let fd = mkstemps(&template, 5)
        guard fd >= 0 else {
            return .failure(
                SpawnError(message: "cannot create a temporary file: \(String(cString: strerror(errno)))"))
        }
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        let bytes = Array(startupScript.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else {
            return .failure(SpawnError(message: "cannot write \(path)"))
        }
        var samples: [Double] = []
        for i in 0...runs {
            let start = rd_now_ns()
            switch spawnAndWait(executable, ["run", path]) {
            case .failure(let error): return .failure(error)
            case .success(let status):
                let elapsed = rd_now_ns() &- start
                guard status == 0 else {
                    return .failure(
                        SpawnError(message: "\(executable) run \(path) exited with status \(status)"))
                }
                if i > 0 { samples.append(Double(elapsed)) }  // run 0 warms the page cache
            }
        }
        return .success(samples)
    }

    /// Spawns `executable arguments` with stdin, stdout and stderr on /dev/null; returns its
    /// exit status (128 + signal when killed).
    static func spawnAndWait(_ executable: String, _ arguments: [String]) -> Result<Int32, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard result == 0 else {
            return .failure(
                SpawnError(message: "posix_spawn \(executable): \(String(cString: strerror(result)))"))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                return .failure(SpawnError(message: "waitpid: \(String(cString: strerror(errno)))"))
            }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        let signal = status & 0x7f
        return .success(signal == 0 ? (status >> 8) & 0xff : 128 + signal)
    }
}

/// 200000 -> "200 000".
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(" ") }
        out.append(c)
    }
    return value < 0 ? "-" + out : out
}

import CRundownSupport
import Glibc
import RundownCheck
import Synchronization

/// The test-runner section (issue 4, "Speed"): a generated corpus of 200 small scripts with
/// expectations, written to a temporary directory and run by `TestRunner.run(paths:jobs:)`
/// with the default number of jobs (one per two processors), as `rdsh test DIR` runs them.
public struct TestRunnerBench: BenchSection {
    public let name = "test-runner"
    public let title = "rdsh test on a generated corpus of small scripts"

    /// Scripts in the corpus (the issue's figure).
    public static let corpusSize = 200
    /// The issue's bound on the corpus, in seconds.
    public static let targetSeconds = 5.0

    /// The most a file may cost, in creations and joins of its threads.
    public static let floorLimit = 5.0

    public init() {}

    /// Script `index` of the corpus: four kinds in turn (counts on the plain reference, a wait
    /// blocked by another thread, the cache-aware reference from the pool, a diagnostic),
    /// each with the expectations a correct run matches.
    static func script(_ index: Int) -> String {
        let n = 1 + index % 5
        switch index % 4 {
        case 0:
            return """
                # bench corpus \(index): counts on a plain reference
                ExInitializeRundownProtection R\(index)
                ExAcquireRundownProtection R\(index)
                #> TRUE
                ExAcquireRundownProtectionEx R\(index) \(n)
                #> TRUE
                .show R\(index)
                #> R\(index): state=live holders=\(n + 1)
                ExReleaseRundownProtectionEx R\(index) \(n)
                ExReleaseRundownProtection R\(index)
                ExWaitForRundownProtectionRelease R\(index)
                ExAcquireRundownProtection R\(index)
                #> FALSE

                """
        case 1:
            return """
                # bench corpus \(index): a wait blocked by another thread's reference
                ExInitializeRundownProtection Dev
                Reader: ExAcquireRundownProtection Dev
                #> TRUE
                Unload: ExWaitForRundownProtectionRelease Dev
                #> [Unload] blocked in ExWaitForRundownProtectionRelease Dev
                #>     1 reference outstanding on Dev: 1 by Reader (ExAcquireRundownProtection Dev)
                Reader: ExReleaseRundownProtection Dev
                #> [Unload] returned from ExWaitForRundownProtectionRelease Dev

                """
        case 2:
            return """
                # bench corpus \(index): the cache-aware reference from the pool
                C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'B\(index % 10)t!'
                Rx: ExAcquireRundownProtectionCacheAwareEx C \(n)
                #> TRUE
                Rx: ExReleaseRundownProtectionCacheAwareEx C \(n)
                ExWaitForRundownProtectionReleaseCacheAware C
                ExFreeCacheAwareRundownProtection C

                """
        default:
            return """
                # bench corpus \(index): a release without an acquire
                ExInitializeRundownProtection R
                ExReleaseRundownProtection R
                #! error[RELEASE_WITHOUT_ACQUIRE]: release of 1 reference on R, which has no holders
                #! note: real Windows does not notice: the count underflows silently on a multiprocessor, and the next wait for rundown hangs forever
                #! note: hint: release only what a successful acquire (TRUE) took; a FALSE acquire took nothing

                """
        }
    }

    public func run(_ options: BenchOptions, progress: (String) -> Void) -> BenchSectionReport {
        guard options.selects("corpus", in: name) else { return BenchSectionReport(name: name, title: title) }
        let jobs = TestOptions().jobs
        let count = Self.corpusSize
        // A run takes well under a second in a release build: one sample per repetition.
        let repetitions = max(3, options.repetitions)
        var notes: [String] = []
        var unmeasured: [String] = []
        var targets: [BenchTarget] = []
        var latencies: [BenchLatency] = []
        let load = HostLoad.Sampler()

        switch Self.writeCorpus(count: count) {
        case .failure(let error):
            unmeasured.append("corpus: not measured: \(error.message)")
            targets.append(
                BenchTarget(
                    statement: "all \(count) corpus scripts pass", measured: 0, limit: Double(count),
                    atMost: false,
                    unit: "scripts"))
        case .success(let corpus):
            defer { Self.remove(corpus) }
            progress(
                "  corpus: \(count) scripts in \(corpus.directory), \(jobs) job\(jobs == 1 ? "" : "s"), \(repetitions) runs"
            )
            var seconds: [Double] = []
            var floors: [Double] = []
            var ratios: [Double] = []
            var worstPassed = count
            var failures: [String] = []
            let threadCounts = (0..<count).map { Self.threads(in: Self.script($0)) }
            for _ in 0..<repetitions {
                load.sample()
                let floor = Self.threadFloor(threadCounts, jobs: jobs)
                let summary = TestRunner.run(paths: [corpus.directory], jobs: jobs)
                seconds.append(summary.seconds)
                floors.append(floor)
                ratios.append(summary.seconds / floor)
                worstPassed = min(worstPassed, summary.results.count == count ? summary.passed : 0)
                if summary.passed != count || summary.results.count != count {
                    failures =
                        ["\(summary.results.count) files found, \(summary.line)"]
                        + summary.results.filter { $0.isFailure }.prefix(3).map { (r: FileResult) in
                            "failed: \(r.path) (\(r.outcome))"
                        }
                }
            }
            let latency = BenchLatency(
                name: "corpus",
                label:
                    "\(count) small scripts with expectations, TestRunner.run, \(jobs) job\(jobs == 1 ? "" : "s")",
                sortedSamples: seconds.map { $0 * 1e9 }.sorted())
            latencies.append(latency)
            let median = latency.medianNs / 1e9
            targets.append(
                BenchTarget(
                    statement:
                        "\(count) small scripts: median < \(formatted(Self.targetSeconds, decimals: 0)) s",
                    measured: median, limit: Self.targetSeconds, atMost: true, unit: "s"))
            targets.append(
                BenchTarget(
                    statement: "all \(count) corpus scripts pass, every run", measured: Double(worstPassed),
                    limit: Double(count), atMost: false, unit: "scripts"))
            let ratio = Spread(ratios)
            let floor = Spread(floors)
            targets.append(
                BenchTarget(
                    statement:
                        "per file: median <= \(formatted(Self.floorLimit, decimals: 0)) x the floor of "
                        + "creating and joining that file's threads",
                    measured: ratio.median, limit: Self.floorLimit, atMost: true, unit: "x"))
            notes.append(
                "per file: \(formatted(median / Double(count) * 1e6, decimals: 0)) us against a floor of "
                    + "\(formatted(floor.median / Double(count) * 1e6, decimals: 0)) us (pthread_create + "
                    + "pthread_join of each file's \(threadCounts.reduce(0, +)) threads in all, main included, "
                    + "on \(jobs) job\(jobs == 1 ? "" : "s") like the run): median \(formatted(ratio.median, decimals: 2))x "
                    + "(\(formatted(ratio.low, decimals: 2))-\(formatted(ratio.high, decimals: 2))x over "
                    + "\(repetitions) paired runs)")
            progress(
                "  corpus: median \(formatted(median, decimals: 3)) s, "
                    + "\(formatted(ratio.median, decimals: 2))x the thread floor")
            notes.append(
                "corpus: median \(formatted(median, decimals: 3)) s = "
                    + "\(formatted(median / Self.targetSeconds, decimals: 3))x the "
                    + "\(formatted(Self.targetSeconds, decimals: 0)) s limit "
                    + "(\(formatted(Double(count) / median, decimals: 0)) scripts/s); \(jobs) job\(jobs == 1 ? "" : "s") (the default: "
                    + "one per two processors); each run: discovery + read + run in a Session + compare, "
                    + "as `rdsh test DIR` does.")
            notes += failures.map { "corpus: \($0)" }
            notes.append(load.note(processors: Int(rd_online_cpus())))
        }
        return BenchSectionReport(
            name: name, title: title, latencies: latencies, targets: targets, notes: notes,
            unmeasured: unmeasured)
    }

    // MARK: - The floor

    /// The threads a corpus script runs on: `main` and every `Name:` prefix.
    static func threads(in script: String) -> Int {
        var names: Set<Substring> = ["main"]
        for line in script.split(separator: "\n") where !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":"), let space = line.firstIndex(of: " "), colon < space
            else { continue }
            names.insert(line[..<colon])
        }
        return names.count
    }

    /// Seconds to create and join `threadCounts[i]` threads for each file `i`, the files shared
    /// among `jobs` threads as the runner shares them: what running those files could cost if
    /// reading, parsing, running and comparing were free.
    static func threadFloor(_ threadCounts: [Int], jobs: Int) -> Double {
        let next = Atomic<Int>(0)
        let start = rd_now_ns()
        let runners = (0..<max(1, jobs)).map { _ in
            BenchThreads.start {
                while true {
                    let file = next.add(1, ordering: .relaxed).oldValue
                    guard file < threadCounts.count else { return }
                    let handles = (0..<threadCounts[file]).map { _ in BenchThreads.start {} }
                    for handle in handles { pthread_join(handle, nil) }
                }
            }
        }
        for runner in runners { pthread_join(runner, nil) }
        return Double(rd_now_ns() &- start) / 1e9
    }

    // MARK: - The corpus on disk

    struct CorpusError: Error {
        let message: String
    }

    struct Corpus {
        let directory: String
        let files: [String]
    }

    /// Writes the corpus into a fresh directory under /tmp.
    static func writeCorpus(count: Int) -> Result<Corpus, CorpusError> {
        var template = Array("/tmp/rdsh-bench-corpus-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            return .failure(
                CorpusError(
                    message: "cannot create a temporary directory: \(String(cString: strerror(errno)))"))
        }
        let directory = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var files: [String] = []
        for index in 0..<count {
            let path = directory + "/case-" + String(1000 + index).dropFirst() + ".rdsh"
            let bytes = Array(script(index).utf8)
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            let written = fd < 0 ? -1 : bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if fd >= 0 { close(fd) }
            if fd >= 0 { files.append(path) }
            guard written == bytes.count else {
                remove(Corpus(directory: directory, files: files))
                return .failure(
                    CorpusError(message: "cannot write \(path): \(String(cString: strerror(errno)))"))
            }
        }
        return .success(Corpus(directory: directory, files: files))
    }

    static func remove(_ corpus: Corpus) {
        for file in corpus.files {
            unlink(file)
            unlink(file + ".actual")
        }
        rmdir(corpus.directory)
    }
}

import Glibc
@_spi(Testing) import RundownRuntime
import RundownScript
import Synchronization
import Testing

/// The runtime on real threads: hand-off, settling, blocking and waking, end-of-script reports.
@Suite(.timeLimit(.minutes(1))) struct ThreadTests {
    @Test func waiterBlocksAndTheLastReleaseWakesIt() {
        let (lines, session, _) = transcript(
            """
            ExInitializeRundownProtection R
            A: ExAcquireRundownProtection R
            B: ExAcquireRundownProtectionEx R 2
            W: ExWaitForRundownProtectionRelease R
            A: ExAcquireRundownProtection R
            A: ExReleaseRundownProtection R
            B: ExReleaseRundownProtection R
            B: ExReleaseRundownProtection R
            ExAcquireRundownProtection R
            .show R
            """)
        #expect(
            lines == [
                "TRUE", "TRUE",
                "[W] blocked in ExWaitForRundownProtectionRelease R",
                "    3 references outstanding on R: 1 by A (ExAcquireRundownProtection R), 2 by B (ExAcquireRundownProtectionEx R 2)",
                "FALSE",
                "[W] returned from ExWaitForRundownProtectionRelease R",
                "FALSE",
                "R: state=stale holders=0",
            ])
        #expect(session.errorCount == 0)
    }

    @Test func outputIsTheSameOnEveryRun() {
        let script = """
            C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'
            .cpu P1 1
            .cpu P2 2
            P1: ExAcquireRundownProtectionCacheAwareEx C 3
            P2: ExAcquireRundownProtectionCacheAware C
            W: ExWaitForRundownProtectionReleaseCacheAware C
            P2: ExReleaseRundownProtectionCacheAwareEx C 2
            P1: ExReleaseRundownProtectionCacheAwareEx C 2
            .show C
            ExFreeCacheAwareRundownProtection C
            """
        let first = transcript(script).lines
        #expect(first.contains("[W] returned from ExWaitForRundownProtectionReleaseCacheAware C"))
        for _ in 0..<20 { #expect(transcript(script).lines == first) }
    }

    @Test func commandToABlockedThreadIsRefused() {
        let (lines, _, _) = transcript(
            """
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            W: ExWaitForRundownProtectionRelease R
            W: ExAcquireRundownProtection R
            .threads
            ExReleaseRundownProtection R
            W: ExAcquireRundownProtection R
            """)
        #expect(codes(lines) == ["THREAD_BLOCKED"])
        #expect(
            lines.contains(
                "W: cpu=0 irql=PASSIVE_LEVEL blocked in ExWaitForRundownProtectionRelease R"))
        #expect(lines.last == "FALSE")
    }

    @Test func deadlockAtTheEndNamesHoldersAndLinesAndThreadsAreJoined() {
        let (lines, session, _) = transcript(
            """
            ExInitializeRundownProtection R
            A: ExAcquireRundownProtection R
            main: ExAcquireRundownProtection R
            W: ExWaitForRundownProtectionRelease R
            """)
        #expect(
            lines.contains(
                "error[DEADLOCK]: thread W is still blocked in ExWaitForRundownProtectionRelease R"))
        #expect(
            lines.contains(
                "note: 2 references on R never released: acquired 1 by A (ExAcquireRundownProtection R), 1 by main (ExAcquireRundownProtection R)"
            ))
        #expect(session.threadDescription("W") == "W: cpu=0 irql=PASSIVE_LEVEL idle")
        #expect(session.describe(handle: "R") == "R: state=waiting holders=2 waiter=W")
    }

    @Test func threadsAreRealNamedOSThreads() throws {
        let sink = CapturingSink()
        let session = Session(options: SessionOptions(), sink: sink)
        let location = SourceLocation(file: "t.rdsh", line: 1)
        session.execute(line: "ExInitializeRundownProtection R", location: location)
        session.execute(line: "Reader42: ExAcquireRundownProtection R", location: location)
        var names: [String] = []
        if let directory = opendir("/proc/self/task") {
            while let entry = readdir(directory) {
                let id = withUnsafeBytes(of: entry.pointee.d_name) {
                    String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
                }
                guard id.first?.isNumber == true, let file = fopen("/proc/self/task/\(id)/comm", "r") else {
                    continue
                }
                var buffer = [CChar](repeating: 0, count: 64)
                if fgets(&buffer, 64, file) != nil {
                    names.append(
                        buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                            .trimmingCharacters(in: "\n"))
                }
                fclose(file)
            }
            closedir(directory)
        }
        #expect(names.contains("Reader42"))
        session.finish()
    }

    @Test func watchdogReportsAThreadThatNeverSettles() {
        let sink = CapturingSink()
        let session = Session(options: SessionOptions(watchdogSeconds: 0.2), sink: sink)
        let gate = Gate()
        session.execute(
            line: "ExInitializeRundownProtection R", location: SourceLocation(file: "w.rdsh", line: 1))
        session.runJob(onThread: "Stuck", display: "SpinForever", line: 2) { gate.wait() }
        #expect(codes(sink.lines) == ["WATCHDOG"])
        #expect(
            sink.lines.first { $0.hasPrefix("error[WATCHDOG]") }
                == "error[WATCHDOG]: thread Stuck did not settle within 0.2 s: still in SpinForever")
        session.execute(
            line: "Stuck: ExAcquireRundownProtection R", location: SourceLocation(file: "w.rdsh", line: 3))
        #expect(codes(sink.lines) == ["WATCHDOG", "THREAD_BLOCKED"])
        // Other threads still work.
        session.execute(
            line: "ExAcquireRundownProtection R", location: SourceLocation(file: "w.rdsh", line: 4))
        #expect(sink.lines.last == "TRUE")
        gate.open()
        session.finish()
    }

    @Test func resetForgetsEverythingAndReleasesBlockedThreads() {
        let (lines, session, _) = transcript(
            """
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            W: ExWaitForRundownProtectionRelease R
            .processors 8
            .reset
            .handles
            ExSizeOfRundownProtectionCacheAware
            .threads
            """)
        // .reset first says what Ctrl-D would have said about the blocked waiter.
        #expect(codes(lines) == ["DEADLOCK"])
        #expect(lines.suffix(3) == ["(no handles)", "344", "main: cpu=0 irql=PASSIVE_LEVEL idle"])
        #expect(session.handleNames.isEmpty)
    }

    @Test func manyThreadsAndOneWaiter() {
        var script = "ExInitializeRundownProtection R\n"
        for i in 0..<16 { script += "T\(i): ExAcquireRundownProtection R\n" }
        script += "W: ExWaitForRundownProtectionRelease R\n"
        for i in 0..<16 { script += "T\(i): ExReleaseRundownProtection R\n" }
        let (lines, session, _) = transcript(script)
        #expect(session.errorCount == 0)
        #expect(lines.last == "[W] returned from ExWaitForRundownProtectionRelease R")
        #expect(lines.filter { $0.contains("returned from") }.count == 1)
        #expect(session.threadNames.count == 18)
    }

    @Test func blockAndWakeManyTimesInARow() {
        var script =
            "ExInitializeRundownProtection R\nC = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'Loop'\n"
        var expected: [String] = []
        for _ in 0..<150 {
            script += """
                A: ExAcquireRundownProtection R
                W: ExWaitForRundownProtectionRelease R
                A: ExReleaseRundownProtection R
                ExReInitializeRundownProtection R
                B: ExAcquireRundownProtectionCacheAware C
                V: ExWaitForRundownProtectionReleaseCacheAware C
                B: ExReleaseRundownProtectionCacheAware C
                ExReInitializeRundownProtectionCacheAware C

                """
            expected += [
                "TRUE", "[W] blocked in ExWaitForRundownProtectionRelease R",
                "    1 reference outstanding on R: 1 by A (ExAcquireRundownProtection R)",
                "[W] returned from ExWaitForRundownProtectionRelease R",
                "TRUE", "[V] blocked in ExWaitForRundownProtectionReleaseCacheAware C",
                "    1 reference outstanding on C: 1 by B (ExAcquireRundownProtectionCacheAware C)",
                "[V] returned from ExWaitForRundownProtectionReleaseCacheAware C",
            ]
        }
        script += "ExWaitForRundownProtectionReleaseCacheAware C\nExFreeCacheAwareRundownProtection C\n"
        let (lines, session, _) = transcript(script)
        #expect(session.errorCount == 0)
        #expect(lines == expected)
    }

    @Test func sessionsRunInParallel() async {
        await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    transcript(
                        """
                        ExInitializeRundownProtection R
                        A: ExAcquireRundownProtection R
                        W: ExWaitForRundownProtectionRelease R
                        A: ExReleaseRundownProtection R
                        """
                    ).lines
                }
            }
            for await lines in group {
                #expect(lines.last == "[W] returned from ExWaitForRundownProtectionRelease R")
            }
        }
    }
}

/// A one-shot gate for a test job: `wait` sleeps until `open`.
final class Gate: Sendable {
    private let opened = Atomic<Bool>(false)
    func wait() {
        while !opened.load(ordering: .sequentiallyConsistent) { usleep(1000) }
    }
    func open() { opened.store(true, ordering: .sequentiallyConsistent) }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var text = self
        while text.last == set { text.removeLast() }
        return text
    }
}

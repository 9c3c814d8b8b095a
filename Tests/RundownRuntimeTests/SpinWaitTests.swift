import CRundownSupport
import Glibc
@_spi(Testing) import RundownRuntime
import RundownScript
import Testing

/// How the session's threads wait: the count of awake threads decides whether a spinner yields,
/// so it must come back to exactly the coordinator once every worker has parked. An undercount
/// would let three spinners share two processors without yielding (hand-offs then take a time
/// slice); an overcount only costs yields.
@Suite(.timeLimit(.minutes(1))) struct SpinWaitTests {
    @Test func oversubscribedMeansMoreAwakeThanProcessors() {
        let share = ProcessorShare(processors: 2, awake: 2)
        #expect(!share.oversubscribed)
        share.wake()
        #expect(share.oversubscribed)
        share.sleep()
        #expect(!share.oversubscribed)
        #expect(ProcessorShare(processors: 0).processors == 1)
    }

    /// Two sessions side by side see each other's threads: each has 2 processors, together
    /// they have 4 threads awake.
    @Test func groupsSharingATotalSeeEachOther() {
        let total = AwakeCount()
        let one = ProcessorShare(processors: 2, awake: 1, among: total)
        var two: ProcessorShare? = ProcessorShare(processors: 2, awake: 1, among: total)
        #expect(!one.oversubscribed && !two!.oversubscribed && total.current == 2)
        // A worker of the second session wakes: the first one's spinners must yield now.
        two!.wake()
        #expect(one.oversubscribed && two!.oversubscribed)
        #expect(one.awakeCount == 1 && two!.awakeCount == 2 && total.current == 3)
        two = nil  // what a group still counts leaves with it
        #expect(total.current == 1 && !one.oversubscribed)
    }

    /// Waits up to 10 s for `session` to have `count` awake threads; the last count seen.
    static func settle(_ session: Session, at count: Int) -> Int {
        let deadline = rd_now_ns() &+ 10_000_000_000
        while session.awakeThreads != count && rd_now_ns() < deadline { usleep(1000) }
        return session.awakeThreads
    }

    @Test func idleWorkersParkAndTheCountReturnsToTheCoordinator() {
        let sink = CapturingSink()
        let session = Session(options: SessionOptions(watchdogSeconds: 5), sink: sink)
        #expect(session.awakeThreads == 1)
        for line in [
            "ExInitializeRundownProtection R", "ExAcquireRundownProtection R",
            "A: ExAcquireRundownProtection R",
            "B: ExAcquireRundownProtection R", "A: ExReleaseRundownProtection R",
            "B: ExReleaseRundownProtection R", "ExReleaseRundownProtection R",
        ] {
            session.execute(line: line, location: RundownScript.SourceLocation(file: "t", line: 1))
        }
        // main, A and B spin for a while after their last command, then park.
        #expect(Self.settle(session, at: 1) == 1)
        // A parked worker woken by a new command is counted again, and parks again.
        session.execute(
            line: "A: ExAcquireRundownProtection R",
            location: RundownScript.SourceLocation(file: "t", line: 2))
        #expect(Self.settle(session, at: 1) == 1)
        session.execute(
            line: "A: ExReleaseRundownProtection R",
            location: RundownScript.SourceLocation(file: "t", line: 3))
        session.finish()
        #expect(session.awakeThreads == 1)
        #expect(sink.lines == ["TRUE", "TRUE", "TRUE", "TRUE"])
    }
}

import CRundownSupport
import Glibc
@_spi(Testing) import RundownRuntime
import RundownScript
import Synchronization
import Testing

/// Sessions take their threads from a pool: a thread comes back renamed for its new worker,
/// and threads are reused rather than created for every session. One test at a time: a drain
/// ends every parked thread, which would end the surplus threads another test waits to see end
/// by themselves.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ThreadPoolTests {
    /// The calling thread's OS id and its name as /proc shows it.
    static func identity() -> (id: Int64, name: String) {
        let id = rd_thread_id()
        var name = ""
        if let file = fopen("/proc/self/task/\(id)/comm", "r") {
            var buffer = [CChar](repeating: 0, count: 64)
            if fgets(&buffer, 64, file) != nil {
                name = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                if name.hasSuffix("\n") { name.removeLast() }
            }
            fclose(file)
        }
        return (id, name)
    }

    @Test func reusedThreadsCarryTheirNewWorkersName() {
        let seen = Mutex<[(id: Int64, name: String, expected: String)]>([])
        for round in 0..<60 {
            let session = Session(options: SessionOptions(watchdogSeconds: 5), sink: CapturingSink())
            for thread in ["Alpha\(round % 7)", "Beta", "main"] {
                session.runJob(onThread: thread, display: "identity", line: 1) {
                    let me = Self.identity()
                    seen.withLock { $0.append((me.id, me.name, thread)) }
                }
            }
            session.finish()
        }
        let uses = seen.withLock { $0 }
        #expect(uses.count == 180)
        for use in uses { #expect(use.name == use.expected, "thread \(use.id)") }
        // 180 thread uses in 60 sessions one after another: the pool hands threads back.
        let distinct = Set(uses.map(\.id)).count
        #expect(distinct < 90, "\(distinct) distinct OS threads for 180 uses")
    }

    @Test func drainEndsParkedThreads() {
        let session = Session(options: SessionOptions(watchdogSeconds: 5), sink: CapturingSink())
        session.runJob(onThread: "Gamma", display: "nothing", line: 1) {}
        session.finish()
        ThreadPool.drain()
        // Other suites may park threads meanwhile; what was parked here is gone.
        #expect(ThreadPool.parkedCount < ThreadPool.maximum)
        let again = Session(options: SessionOptions(watchdogSeconds: 5), sink: CapturingSink())
        let ran = Atomic<Bool>(false)
        again.runJob(onThread: "Delta", display: "after drain", line: 1) {
            ran.store(true, ordering: .relaxed)
        }
        again.finish()
        let didRun = ran.load(ordering: .relaxed)
        #expect(didRun)
    }

    /// `rdsh run` starts a thread before it reads its script: the thread parks in the pool
    /// (rather than ending, or waiting for a worker of its own), and the workers started later
    /// still run under their own names.
    @Test func prestartedThreadsPark() {
        let before = ThreadPool.prestartedParks
        ThreadPool.prestart(2)
        let deadline = rd_now_ns() &+ 10_000_000_000
        while ThreadPool.prestartedParks < before + 2 && rd_now_ns() < deadline { usleep(1000) }
        #expect(
            ThreadPool.prestartedParks == before + 2, "prestarted threads did not reach the pool within 10 s")
        let session = Session(options: SessionOptions(watchdogSeconds: 5), sink: CapturingSink())
        let name = Mutex<String>("")
        session.runJob(onThread: "Epsilon", display: "identity", line: 1) {
            let me = Self.identity()
            name.withLock { $0 = me.name }
        }
        session.finish()
        #expect(name.withLock { $0 } == "Epsilon")
    }

    /// A session of more threads than the pool keeps for good parks them all as it finishes,
    /// and those beyond ``ThreadPool/capacity`` end after a while unused. (Two hundred more:
    /// the other suites, running meanwhile, keep reusing the threads parked last.)
    @Test func surplusThreadsEndOnceUnused() {
        let before = ThreadPool.surplusEnded
        let session = Session(options: SessionOptions(watchdogSeconds: 5), sink: CapturingSink())
        for index in 0..<(ThreadPool.capacity + 200) {
            session.runJob(onThread: "Surplus\(index)", display: "nothing", line: 1) {}
        }
        session.finish()
        let deadline = rd_now_ns() &+ 20_000_000_000
        while ThreadPool.surplusEnded == before && rd_now_ns() < deadline { usleep(10_000) }
        #expect(ThreadPool.surplusEnded > before, "no thread beyond the pool's capacity ended within 20 s")
    }
}

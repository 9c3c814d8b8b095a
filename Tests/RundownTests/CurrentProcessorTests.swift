import CRundownSupport
import Rundown
import Synchronization
import Testing

@Suite("The current processor", .timeLimit(.minutes(1)))
struct CurrentProcessorTests {
    @Test func currentProcessorIsTheOneTheThreadIsPinnedTo() {
        for index in 0..<Int(rd_online_cpus()) {
            let cpu = rd_allowed_cpu(Int32(index))
            let seen = Mutex<(Int, Int32)>((-1, -1))
            let thread = TestThread {
                let pinned = rd_pin_current_thread(cpu) == 0
                let value = (CacheAwareRundownRef.currentProcessor(), rd_current_cpu())
                seen.withLock { $0 = pinned ? value : (-2, -2) }
            }
            thread.join()
            let (fast, slow) = seen.withLock { $0 }
            #expect(fast == Int(cpu))
            #expect(slow == cpu)
        }
    }
}

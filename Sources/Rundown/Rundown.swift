import Synchronization
import CRundownSupport

func _probe() -> UInt {
    let raw = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 64)
    let p = raw.advanced(by: 64).bindMemory(to: Atomic<UInt>.self, capacity: 1)
    p.initialize(to: Atomic<UInt>(5))
    let v = p.pointee.add(3, ordering: .sequentiallyConsistent).newValue
    let q = raw.bindMemory(to: Atomic<UInt32>.self, capacity: 1)
    q.initialize(to: Atomic<UInt32>(0))
    _ = rd_futex_wake(UnsafeMutableRawPointer(q).assumingMemoryBound(to: UInt32.self), 1)
    raw.deallocate()
    return v
}

import CRundownSupport
import Glibc
import Synchronization

/// A 32-bit atomic word at a fixed heap address, so that threads can sleep on it with a futex.
///
/// `Atomic` is `~Copyable` and its address is only stable while it lives in a class or in
/// manually allocated memory; the futex needs a raw pointer that never moves, hence the box.
/// The word starts a cache line of its own, so that no unrelated data shares the line two
/// threads pass back and forth; the rest of the line (``lineRest``) is for words that travel
/// with it.
final class FutexWord: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Atomic<UInt32>>
    /// Bytes in the word's line.
    static let lineBytes = 64

    init(_ value: UInt32 = 0) {
        let line = UnsafeMutableRawPointer.allocate(byteCount: Self.lineBytes, alignment: Self.lineBytes)
        line.initializeMemory(as: UInt8.self, repeating: 0, count: Self.lineBytes)
        storage = line.bindMemory(to: Atomic<UInt32>.self, capacity: 1)
        storage.initialize(to: Atomic<UInt32>(value))
    }

    deinit {
        storage.deinitialize(count: 1)
        UnsafeMutableRawPointer(storage).deallocate()
    }

    /// The rest of the word's cache line: bytes 8 ..< ``lineBytes``, zero at first, 8-aligned.
    var lineRest: UnsafeMutableRawPointer { UnsafeMutableRawPointer(storage) + 8 }

    var atomic: UnsafeMutablePointer<Atomic<UInt32>> { storage }

    @inline(__always) func load() -> UInt32 { storage.pointee.load(ordering: .sequentiallyConsistent) }

    @inline(__always) func store(_ value: UInt32) {
        storage.pointee.store(value, ordering: .sequentiallyConsistent)
    }

    @inline(__always) func exchange(_ value: UInt32) -> UInt32 {
        storage.pointee.exchange(value, ordering: .sequentiallyConsistent)
    }

    @inline(__always) func compareExchange(expected: UInt32, desired: UInt32) -> Bool {
        storage.pointee.compareExchange(
            expected: expected, desired: desired, ordering: .sequentiallyConsistent
        ).exchanged
    }

    /// Sleeps while the word still holds `expected` (returns at once when it does not).
    func wait(whileEqualTo expected: UInt32) {
        let raw = UnsafeMutableRawPointer(storage).assumingMemoryBound(to: UInt32.self)
        _ = rd_futex_wait(raw, expected)
    }

    /// Sleeps while the word still holds `expected`, for at most `nanoseconds`: false when the
    /// time ran out.
    func wait(whileEqualTo expected: UInt32, nanoseconds: UInt64) -> Bool {
        let raw = UnsafeMutableRawPointer(storage).assumingMemoryBound(to: UInt32.self)
        return rd_futex_wait_timeout(raw, expected, nanoseconds) == 0 || errno != ETIMEDOUT
    }

    /// Wakes every thread sleeping on the word.
    func wakeAll() {
        let raw = UnsafeMutableRawPointer(storage).assumingMemoryBound(to: UInt32.self)
        _ = rd_futex_wake(raw, Int32.max)
    }
}

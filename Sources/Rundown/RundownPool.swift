import Synchronization

/// The pool types ExAllocateCacheAwareRundownProtection accepts.
/// The case names are the WDK's `POOL_TYPE` names, as scripts write them.
public enum PoolType: String, CaseIterable, Sendable {
    // swift-format-ignore: AlwaysUseLowerCamelCase
    case NonPagedPool
    // swift-format-ignore: AlwaysUseLowerCamelCase
    case NonPagedPoolNx
    // swift-format-ignore: AlwaysUseLowerCamelCase
    case PagedPool
}

/// One pool allocation not yet freed: what a leak report names.
public struct PoolAllocation: Sendable, Equatable {
    /// Allocation order, starting at 1; unique within its pool.
    public let id: Int
    /// The pool tag as the caller passed it.
    public let tag: UInt32
    public let type: PoolType
    public let bytes: Int

    public init(id: Int, tag: UInt32, type: PoolType, bytes: Int) {
        self.id = id
        self.tag = tag
        self.type = type
        self.bytes = bytes
    }

    /// The tag's four bytes in memory order (how pool tools show it), e.g. 0x67546452 → "RdTg";
    /// unprintable bytes become `.`.
    public var tagText: String {
        var text = ""
        for shift in stride(from: 0, to: 32, by: 8) {
            let byte = UInt8(truncatingIfNeeded: tag >> UInt32(shift))
            text.append(byte >= 0x20 && byte < 0x7F ? Character(Unicode.Scalar(byte)) : ".")
        }
        return text
    }
}

/// A kernel pool stand-in: tagged allocations, a list of what is still outstanding (for leak
/// reports), and failure injection (`failNextAllocations`) so NULL paths can be exercised.
///
/// Blocks are 16-byte aligned and, below a page, deliberately never 64-byte aligned, so the
/// cache-aware allocation takes its documented "allocate one slot more and align" path on every
/// run, deterministically. The pool only keeps the books; memory belongs to the object that
/// asked for it and lives until that object is deinitialized, so a use after free can never
/// touch freed memory.
public final class RundownPool: Sendable {
    struct State {
        var nextID = 1
        var failuresPending = 0
        /// Keyed by id: allocate and free are O(1); the oldest-first list is built on demand.
        var outstanding: [Int: PoolAllocation] = [:]
        var allocations = 0
        var failures = 0
    }

    let state = Mutex(State())

    public init() {}

    /// Makes the next `n` allocation attempts fail (each attempt consumes one).
    public func failNextAllocations(_ n: Int) {
        state.withLock { $0.failuresPending = max(0, n) }
    }

    /// Allocations not yet freed, oldest first.
    public var outstanding: [PoolAllocation] {
        state.withLock { $0.outstanding.values.sorted { $0.id < $1.id } }
    }

    /// Successful allocations so far.
    public var allocationCount: Int { state.withLock { $0.allocations } }

    /// Allocation attempts that failed (injected) so far.
    public var failureCount: Int { state.withLock { $0.failures } }

    /// The books as they stand, for a scheduler that restarts from a saved state.
    package func saveBooks() -> PoolBooks { PoolBooks(state: state.withLock { $0 }) }

    /// Puts back books saved by ``saveBooks()``.
    package func restoreBooks(_ books: PoolBooks) { state.withLock { $0 = books.state } }

    /// Books an allocation and returns its memory, or nil when a failure was injected.
    /// `base` is what must be deallocated; `address` is what the caller uses.
    func allocate(bytes: Int, type: PoolType, tag: UInt32) -> PoolBlock? {
        let record: PoolAllocation? = state.withLock { s in
            if s.failuresPending > 0 {
                s.failuresPending -= 1
                s.failures += 1
                return nil
            }
            let record = PoolAllocation(id: s.nextID, tag: tag, type: type, bytes: bytes)
            s.nextID += 1
            s.allocations += 1
            s.outstanding[record.id] = record
            return record
        }
        guard let record else { return nil }
        let base: UnsafeMutableRawPointer
        let address: UnsafeMutableRawPointer
        if bytes >= 4096 {
            base = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4096)
            address = base
        } else {
            base = UnsafeMutableRawPointer.allocate(byteCount: bytes + 16, alignment: 64)
            address = base + 16
        }
        address.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        return PoolBlock(allocation: record, base: UInt(bitPattern: base), address: UInt(bitPattern: address))
    }

    /// Removes an allocation from the books (the memory itself is released by its owner).
    func free(_ id: Int) {
        state.withLock { s in _ = s.outstanding.removeValue(forKey: id) }
    }
}

/// Memory handed out by a ``RundownPool``.
struct PoolBlock: Sendable {
    let allocation: PoolAllocation
    let base: UInt
    let address: UInt

    func deallocate() { UnsafeMutableRawPointer(bitPattern: base)!.deallocate() }
}

/// A saved copy of a pool's books.
package struct PoolBooks: Sendable {
    let state: RundownPool.State
}

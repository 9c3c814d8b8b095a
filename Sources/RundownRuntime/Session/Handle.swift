import Rundown
import RundownScript

/// A name in a session: a plain reference, a cache-aware reference, a failed allocation (NULL),
/// or a number or boolean bound with `=`. The coordinator's alone; the fields each command
/// reads are not checked for exclusive access at run time (see ``Session``).
final class Handle {
    enum Value {
        case plain(RundownRef)
        case cacheAware(CacheAwareRundownRef)
        /// `C = ExAllocateCacheAwareRundownProtection ...` returned NULL.
        case null
        case number(Int)
        case boolean(Bool)
    }

    let name: String
    var value: Value {
        didSet { mirror() }
    }
    /// The plain object of ``value``, unretained: what the hot path hands to a thread and
    /// reads snapshots from without writing the object's header (a reference count), which
    /// shares a cache line with the word the thread works on. ``value`` holds the object.
    @exclusivity(unchecked) private(set) var plainObject: Unmanaged<RundownRef>?
    /// The cache-aware object of ``value``, unretained (see ``plainObject``).
    @exclusivity(unchecked) private(set) var cacheAwareObject: Unmanaged<CacheAwareRundownRef>?
    /// Where the name was created or last bound.
    var location: SourceLocation
    /// Who holds references on the object, and since which line.
    @exclusivity(unchecked) var ledger = Ledger()
    /// For objects from ExAllocateCacheAwareRundownProtection: the pool bookkeeping.
    @exclusivity(unchecked) var allocation: Allocation?
    /// The threads inside a wait on this object, in the order their waits were sent. More
    /// than one only while waits race in a `.par` block (all but one are then refused).
    var waiters: [Worker] = []
    /// The thread inside a wait on this object (the first, when waits race).
    var waiter: Worker? { waiters.first }

    func addWaiter(_ worker: Worker) {
        if !waiters.contains(where: { $0 === worker }) { waiters.append(worker) }
    }

    func removeWaiter(_ worker: Worker) {
        waiters.removeAll { $0 === worker }
    }

    init(name: String, value: Value, location: SourceLocation) {
        self.name = name
        self.value = value
        self.location = location
        mirror()
    }

    private func mirror() {
        switch value {
        case .plain(let ref):
            plainObject = Unmanaged.passUnretained(ref)
            cacheAwareObject = nil
        case .cacheAware(let ref):
            plainObject = nil
            cacheAwareObject = Unmanaged.passUnretained(ref)
        default:
            plainObject = nil
            cacheAwareObject = nil
        }
    }

    /// "a plain EX_RUNDOWN_REF", for WRONG_KIND messages.
    var kindPhrase: String {
        switch value {
        case .plain: "a plain reference (EX_RUNDOWN_REF)"
        case .cacheAware: "a cache-aware reference (EX_RUNDOWN_REF_CACHE_AWARE)"
        case .null: "NULL"
        case .number: "a number"
        case .boolean: "a boolean"
        }
    }

    /// The object's snapshot, for references.
    var snapshot: RundownSnapshot? {
        if let plainObject { return plainObject._withUnsafeGuaranteedRef { $0.snapshot() } }
        if let cacheAwareObject { return cacheAwareObject._withUnsafeGuaranteedRef { $0.checkedSnapshot() } }
        return nil
    }
}

extension Handle.Value {
    /// True for plain and cache-aware references (not NULL, numbers or booleans).
    var isReference: Bool {
        switch self {
        case .plain, .cacheAware: true
        default: false
        }
    }
}

/// One successful ExAllocateCacheAwareRundownProtection, for POOL_LEAK reports.
final class Allocation {
    let name: String
    let tag: UInt32
    let tagText: String
    let poolType: PoolType
    let location: SourceLocation
    let object: CacheAwareRundownRef
    var freed = false

    init(
        name: String, tag: UInt32, tagText: String, poolType: PoolType, location: SourceLocation,
        object: CacheAwareRundownRef
    ) {
        self.name = name
        self.tag = tag
        self.tagText = tagText
        self.poolType = poolType
        self.location = location
        self.object = object
    }
}

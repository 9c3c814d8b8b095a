/// What a routine returns, which decides what rdsh prints after it runs.
public enum ReturnKind: String, Sendable, Hashable, CaseIterable {
    /// Prints nothing.
    case void
    /// Prints `TRUE` or `FALSE`.
    case boolean
    /// Prints the number in decimal.
    case sizeT
    /// A new object; prints nothing, or `NULL` when the allocation failed.
    case pointer

    /// The C return type.
    public var cType: String {
        switch self {
        case .void: "VOID"
        case .boolean: "BOOLEAN"
        case .sizeT: "SIZE_T"
        case .pointer: "PEX_RUNDOWN_REF_CACHE_AWARE"
        }
    }
}

/// Which kind of object a routine belongs to.
public enum RoutineKind: String, Sendable, Hashable, CaseIterable {
    /// Operates on an `EX_RUNDOWN_REF`.
    case plain
    /// Creates or operates on an `EX_RUNDOWN_REF_CACHE_AWARE`.
    case cacheAware
    /// Touches no object (`ExSizeOfRundownProtectionCacheAware`).
    case none
}

/// The groups `.help` lists routines under, in this order.
public enum RoutineFamily: String, Sendable, Hashable, CaseIterable {
    case lifecycle = "initialize and reinitialize"
    case acquire = "acquire"
    case release = "release"
    case rundown = "wait and complete"
    case storage = "cache-aware storage"
}

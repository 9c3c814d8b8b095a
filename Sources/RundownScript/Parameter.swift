/// One parameter of a routine, as the WDK names it (`RunRef`, `Count`, `PoolTag`, ...).
public struct Parameter: Sendable, Hashable {
    /// The WDK parameter name, shown in usage lines and hints.
    public let name: String
    /// What a script may pass there.
    public let type: ParameterType

    public init(_ name: String, _ type: ParameterType) {
        self.name = name
        self.type = type
    }

    /// The hint form, e.g. `<RunRef>`.
    public var placeholder: String { "<\(name)>" }
}

/// The kinds of argument a routine parameter accepts.
public enum ParameterType: String, Sendable, Hashable, CaseIterable {
    /// A plain `EX_RUNDOWN_REF` handle name.
    case runRef
    /// An `EX_RUNDOWN_REF_CACHE_AWARE` handle name.
    case cacheAwareRef
    /// A `ULONG Count`: an integer literal (decimal or 0x hex) or a name bound to a number.
    case count
    /// A `POOL_TYPE`: NonPagedPool, NonPagedPoolNx or PagedPool.
    case poolType
    /// A `ULONG PoolTag`: four characters in single quotes, or an integer.
    case poolTag
    /// A `SIZE_T`: an integer literal or a name bound to a number.
    case size

    /// The C type the WDK declares for this parameter.
    public var cType: String {
        switch self {
        case .runRef: "PEX_RUNDOWN_REF"
        case .cacheAwareRef: "PEX_RUNDOWN_REF_CACHE_AWARE"
        case .count: "ULONG"
        case .poolType: "POOL_TYPE"
        case .poolTag: "ULONG"
        case .size: "SIZE_T"
        }
    }

    /// A few words for messages: "a plain EX_RUNDOWN_REF handle".
    public var phrase: String {
        switch self {
        case .runRef: "a plain EX_RUNDOWN_REF handle name"
        case .cacheAwareRef: "a cache-aware handle name"
        case .count: "a count (integer, or a name bound to a number)"
        case .poolType: "a pool type (NonPagedPool, NonPagedPoolNx or PagedPool)"
        case .poolTag: "a pool tag (four characters in single quotes, e.g. 'RdTg', or an integer)"
        case .size: "a size in bytes (integer, or a name bound to a number)"
        }
    }

    /// True for the two handle kinds.
    public var isHandle: Bool { self == .runRef || self == .cacheAwareRef }
}

extension ParameterType {
    /// The POOL_TYPE names a script may pass, exactly as spelled in the WDK.
    public static let poolTypeNames = ["NonPagedPool", "NonPagedPoolNx", "PagedPool"]
}

import RundownScript

/// The 19 routines as the runtime dispatches them; looked up once per command (``of(_:)``).
enum Operation: Sendable {
    case initialize, reinitialize, acquire, acquireEx, release, releaseEx, wait, completed
    case sizeOf, allocate, initializeCacheAware, free
    case acquireCacheAware, acquireCacheAwareEx, releaseCacheAware, releaseCacheAwareEx
    case waitCacheAware, completedCacheAware, reinitializeCacheAware

    /// Each routine's operation, by the routine's name. Pairs, found by a scan of 19 names
    /// only when a catalogue row is not found by identity (``of(_:)``): a dictionary of them
    /// cost 6 µs to build before a script's first command.
    private static let names: [(name: String, operation: Operation)] = [
        ("ExInitializeRundownProtection", .initialize),
        ("ExReInitializeRundownProtection", .reinitialize),
        ("ExAcquireRundownProtection", .acquire),
        ("ExAcquireRundownProtectionEx", .acquireEx),
        ("ExReleaseRundownProtection", .release),
        ("ExReleaseRundownProtectionEx", .releaseEx),
        ("ExWaitForRundownProtectionRelease", .wait),
        ("ExRundownCompleted", .completed),
        ("ExSizeOfRundownProtectionCacheAware", .sizeOf),
        ("ExAllocateCacheAwareRundownProtection", .allocate),
        ("ExInitializeRundownProtectionCacheAware", .initializeCacheAware),
        ("ExFreeCacheAwareRundownProtection", .free),
        ("ExAcquireRundownProtectionCacheAware", .acquireCacheAware),
        ("ExAcquireRundownProtectionCacheAwareEx", .acquireCacheAwareEx),
        ("ExReleaseRundownProtectionCacheAware", .releaseCacheAware),
        ("ExReleaseRundownProtectionCacheAwareEx", .releaseCacheAwareEx),
        ("ExWaitForRundownProtectionReleaseCacheAware", .waitCacheAware),
        ("ExRundownCompletedCacheAware", .completedCacheAware),
        ("ExReInitializeRundownProtectionCacheAware", .reinitializeCacheAware),
    ]

    /// The operation of each catalogue row, in catalogue order, found by the row's identity: a
    /// lookup per command compares a few words instead of hashing the routine's name. (A
    /// dictionary keyed by `ObjectIdentifier` cost more at start-up than it saved: its type
    /// made the runtime search every conformance record of the executable for `Hashable`.)
    private static let byRoutine: [(routine: Routine, operation: Operation)] =
        RoutineCatalogue.all.compactMap { routine in named(routine.name).map { (routine, $0) } }

    /// The operation of the routine spelled `name`.
    static func named(_ name: String) -> Operation? {
        names.first { $0.name == name }?.operation
    }

    /// The operation of `routine`, nil when the runtime has no implementation of it.
    static func of(_ routine: Routine) -> Operation? {
        for entry in byRoutine where entry.routine === routine { return entry.operation }
        return named(routine.name)
    }

    /// True for routines that take an `EX_RUNDOWN_REF_CACHE_AWARE`.
    var isCacheAware: Bool {
        switch self {
        case .initialize, .reinitialize, .acquire, .acquireEx, .release, .releaseEx, .wait, .completed,
            .sizeOf:
            false
        default: true
        }
    }

    var isAcquire: Bool {
        switch self {
        case .acquire, .acquireEx, .acquireCacheAware, .acquireCacheAwareEx: true
        default: false
        }
    }

    var isRelease: Bool {
        switch self {
        case .release, .releaseEx, .releaseCacheAware, .releaseCacheAwareEx: true
        default: false
        }
    }

    var isWait: Bool { self == .wait || self == .waitCacheAware }

    /// Routines whose second argument is a Count.
    var takesCount: Bool {
        switch self {
        case .acquireEx, .releaseEx, .acquireCacheAwareEx, .releaseCacheAwareEx: true
        default: false
        }
    }

    /// The routine of the other kind that does the same thing (for WRONG_KIND hints).
    var counterpart: String? {
        switch self {
        case .initialize: "ExInitializeRundownProtectionCacheAware"
        case .reinitialize: "ExReInitializeRundownProtectionCacheAware"
        case .acquire: "ExAcquireRundownProtectionCacheAware"
        case .acquireEx: "ExAcquireRundownProtectionCacheAwareEx"
        case .release: "ExReleaseRundownProtectionCacheAware"
        case .releaseEx: "ExReleaseRundownProtectionCacheAwareEx"
        case .wait: "ExWaitForRundownProtectionReleaseCacheAware"
        case .completed: "ExRundownCompletedCacheAware"
        case .initializeCacheAware: "ExInitializeRundownProtection"
        case .reinitializeCacheAware: "ExReInitializeRundownProtection"
        case .acquireCacheAware: "ExAcquireRundownProtection"
        case .acquireCacheAwareEx: "ExAcquireRundownProtectionEx"
        case .releaseCacheAware: "ExReleaseRundownProtection"
        case .releaseCacheAwareEx: "ExReleaseRundownProtectionEx"
        case .waitCacheAware: "ExWaitForRundownProtectionRelease"
        case .completedCacheAware: "ExRundownCompleted"
        case .sizeOf, .allocate, .free: nil
        }
    }
}

import RundownScript

/// Everything the contract checker needs to know about one call before it runs.
struct CallContext {
    let operation: Operation
    let routine: Routine
    /// The handle argument; nil when the call creates it (or takes none).
    let handle: Handle?
    let handleName: String
    /// Where the handle argument is, for the caret.
    let location: SourceLocation
    let length: Int
    let count: Int
    let worker: Worker
    /// The size argument of ExInitializeRundownProtectionCacheAware.
    let size: Int
}

import RundownScript

/// Everything the contract checker needs to know about one call before it runs. It lives
/// only while ``Session/startCall(_:location:sourceText:memo:)`` checks the call, whose
/// routine, handle and worker the session holds all along: the context does not retain them
/// (three reference counts taken and dropped on every command).
struct CallContext {
    let operation: Operation
    unowned(unsafe) let routine: Routine
    /// The handle argument; nil when the call creates it (or takes none).
    unowned(unsafe) let handle: Handle?
    let handleName: String
    /// Where the handle argument is, for the caret.
    let location: SourceLocation
    let length: Int
    let count: Int
    unowned(unsafe) let worker: Worker
    /// The size argument of ExInitializeRundownProtectionCacheAware.
    let size: Int
}

import Rundown
import RundownScript

/// One routine call handed to a worker thread: what was asked (for the `[T] blocked in` and
/// `[T] returned from` lines, the ledger and DEADLOCK reports) and, once the thread has run it,
/// what came back. The worker writes ``result``; the coordinator reads it after settling.
final class PendingCall: @unchecked Sendable {
    enum Result {
        case none
        case void
        case boolean(Bool)
        case size(Int)
        case wait(WaitOutcome)
        case created(CacheAwareRundownRef?)
        case violation(RundownViolation)
    }

    let operation: Operation
    /// The routine and its arguments in normal form, e.g. `ExWaitForRundownProtectionRelease R`.
    let display: String
    /// The thread it runs on.
    let thread: String
    let location: SourceLocation
    /// The top-level line this call belongs to (the `.read` line for included files).
    let topLine: Int?
    let handle: Handle?
    /// The library object the call works on, captured when it was dispatched (the name may be
    /// rebound later while a waiter is still blocked on the old object).
    var object: AnyObject?
    /// The handle argument's location and width, for diagnostics about the object.
    let handleLocation: SourceLocation
    let handleLength: Int
    let count: Int
    let binding: String?
    var result: Result = .none

    init(
        operation: Operation, display: String, thread: String, location: SourceLocation, topLine: Int?,
        handle: Handle?,
        handleLocation: SourceLocation, handleLength: Int, count: Int, binding: String?
    ) {
        self.operation = operation
        self.display = display
        self.thread = thread
        self.location = location
        self.topLine = topLine
        self.handle = handle
        self.handleLocation = handleLocation
        self.handleLength = handleLength
        self.count = count
        self.binding = binding
    }
}

/// A call handed to its thread, with what the coordinator needs once the thread returns.
struct StartedCall {
    let pending: PendingCall
    let worker: Worker
    let sourceText: String
    let created: Handle.Value?
    let handleName: String
    let request: AllocationRequest
}

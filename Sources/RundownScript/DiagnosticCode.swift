/// Every diagnostic rdsh can report. The raw value is the stable code printed in
/// `error[CODE]` and matched by `#!` lines; it never changes once published.
///
/// The catalogue text (``summary``, ``explanation``) lives in `DiagnosticCode+Text.swift` and
/// feeds `.help CODE`, `grammar.md` and `rdsh doc`.
public enum DiagnosticCode: String, CaseIterable, Sendable, Hashable {
    // MARK: Contract violations on the reference itself
    case releaseWithoutAcquire = "RELEASE_WITHOUT_ACQUIRE"
    case releaseAfterRundown = "RELEASE_AFTER_RUNDOWN"
    case reinitWithoutRundown = "REINIT_WITHOUT_RUNDOWN"
    case reinitWhileWaiting = "REINIT_WHILE_WAITING"
    case completedWithoutWait = "COMPLETED_WITHOUT_WAIT"
    case completedWhileWaiting = "COMPLETED_WHILE_WAITING"
    case concurrentWait = "CONCURRENT_WAIT"
    case waitAfterRundown = "WAIT_AFTER_RUNDOWN"
    case waitOnStale = "WAIT_ON_STALE"
    case waitWhileHolding = "WAIT_WHILE_HOLDING"
    case initWhileInUse = "INIT_WHILE_IN_USE"
    case countOutOfRange = "COUNT_OUT_OF_RANGE"
    case irqlTooHigh = "IRQL_TOO_HIGH"
    case wrongKind = "WRONG_KIND"

    // MARK: Cache-aware storage and pool
    case freeNotAllocated = "FREE_NOT_ALLOCATED"
    case freeWhileInUse = "FREE_WHILE_IN_USE"
    case useAfterFree = "USE_AFTER_FREE"
    case sizeMismatch = "SIZE_MISMATCH"
    case nullHandle = "NULL_HANDLE"
    case poolLeak = "POOL_LEAK"

    // MARK: Execution on threads
    case deadlock = "DEADLOCK"
    case threadBlocked = "THREAD_BLOCKED"
    case watchdog = "WATCHDOG"
    case noSuchProcessor = "NO_SUCH_PROCESSOR"
    case threadLimit = "THREAD_LIMIT"

    // MARK: Names
    case unknownHandle = "UNKNOWN_HANDLE"
    case unknownThread = "UNKNOWN_THREAD"
    case unknownRoutine = "UNKNOWN_ROUTINE"
    case unknownDirective = "UNKNOWN_DIRECTIVE"
    case handleRebound = "HANDLE_REBOUND"

    // MARK: Input
    case syntax = "SYNTAX"
    case badArgument = "BAD_ARGUMENT"
    case readFailed = "READ_FAILED"
    case recordFailed = "RECORD_FAILED"
    case encoding = "ENCODING"
    case lineTooLong = "LINE_TOO_LONG"

    // MARK: .par blocks
    case parUnmatchedEnd = "PAR_UNMATCHED_END"
    case parUnterminated = "PAR_UNTERMINATED"
    case parNested = "PAR_NESTED"
    case parThreadRequired = "PAR_THREAD_REQUIRED"
    case parRebind = "PAR_REBIND"
    case parDirective = "PAR_DIRECTIVE"
    case badGuard = "BAD_GUARD"
    case badSchedule = "BAD_SCHEDULE"
    case badBudget = "BAD_BUDGET"
    case stressOutcome = "STRESS_OUTCOME"
    case badGranularity = "BAD_GRANULARITY"
    case badPreemptions = "BAD_PREEMPTIONS"

    /// Looks a code up by its printed name, ignoring case (`.help syntax` works).
    public init?(name: String) {
        if let exact = DiagnosticCode(rawValue: name) {
            self = exact
        } else if let folded = DiagnosticCode(rawValue: name.uppercased()) {
            self = folded
        } else {
            return nil
        }
    }

    /// Warnings do not make a run fail; everything else is an error.
    public var defaultSeverity: Severity {
        switch self {
        case .waitOnStale, .waitWhileHolding, .poolLeak, .handleRebound, .noSuchProcessor: .warning
        default: .error
        }
    }

    /// Groups used by `.help`, `grammar.md` and `rdsh doc` to order the codes.
    public enum Category: String, CaseIterable, Sendable {
        case contract = "Contract violations"
        case storage = "Cache-aware storage and pool"
        case execution = "Execution on threads"
        case names = "Unknown names"
        case input = "Input and syntax"
        case par = ".par blocks"
    }

    /// The group this code belongs to.
    public var category: Category {
        switch self {
        case .releaseWithoutAcquire, .releaseAfterRundown, .reinitWithoutRundown, .reinitWhileWaiting,
            .completedWithoutWait, .completedWhileWaiting, .concurrentWait, .waitAfterRundown,
            .waitOnStale, .waitWhileHolding, .initWhileInUse, .countOutOfRange, .irqlTooHigh, .wrongKind:
            .contract
        case .freeNotAllocated, .freeWhileInUse, .useAfterFree, .sizeMismatch, .nullHandle, .poolLeak:
            .storage
        case .deadlock, .threadBlocked, .watchdog, .noSuchProcessor, .threadLimit:
            .execution
        case .unknownHandle, .unknownThread, .unknownRoutine, .unknownDirective, .handleRebound:
            .names
        case .syntax, .badArgument, .readFailed, .recordFailed, .encoding, .lineTooLong:
            .input
        case .parUnmatchedEnd, .parUnterminated, .parNested, .parThreadRequired, .parRebind, .parDirective,
            .badGuard, .badSchedule, .badBudget, .stressOutcome, .badGranularity, .badPreemptions:
            .par
        }
    }
}

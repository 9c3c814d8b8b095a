import RundownScript

/// What the REPL needs from a session: the runtime's `Session` conforms.
///
/// A protocol rather than the class so the REPL's input loop states exactly which part of the
/// runtime it drives.
public protocol InteractiveSession: AnyObject {
    /// Runs one input line; its transcript goes to the session's sink.
    func execute(line: String, location: SourceLocation)
    /// The end-of-session reports (still-blocked threads, leaks); joins the threads.
    func finish()
    /// Live handle names, for completion.
    var handleNames: [String] { get }
    /// Thread names, for completion.
    var threadNames: [String] { get }
    /// Set by `.exit`.
    var shouldExit: Bool { get }
    /// `.exit`, or an error while `.bail on`: stop reading lines.
    var shouldStop: Bool { get }
    /// Asked before each line of a `.read` file; `true` stops the `.read` (Ctrl-C).
    var interruptRequested: (() -> Bool)? { get set }
    /// Where the last command's `.read` was interrupted, if it was.
    var interruptedRead: (file: String, line: Int)? { get }
    /// True between `.par` and `.end`: the front end shows a continuation prompt.
    var isCollectingBlock: Bool { get }
    /// Directives the session leaves to its front end (`.record`): return true when handled.
    var externalDirectiveHandler:
        ((_ name: String, _ arguments: [String], _ location: SourceLocation) -> Bool)?
    { get set }
}

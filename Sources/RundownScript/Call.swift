/// A parsed routine call: `[T:] [NAME =] Routine args...`.
public struct Call: Sendable, Hashable {
    /// The thread prefix (`W` in `W: ...`), nil for `main`.
    public var thread: String?
    /// The binding name (`C` in `C = ExAllocate...`), nil when unbound.
    public var binding: String?
    /// The catalogue row of the routine.
    public var routine: Routine
    /// The arguments, checked against the routine's parameters.
    public var arguments: [Argument]
    /// Where the routine name starts.
    public var location: SourceLocation
    /// The call in normal form without thread and binding, `ExAcquireRundownProtectionEx R 3`:
    /// what `[T] blocked in` and `[T] returned from` lines print.
    public var text: String
    /// Column of the thread name, when there is a prefix.
    public var threadColumn: Int?
    /// Column of the binding name, when there is one.
    public var bindingColumn: Int?
    /// `if NAME` / `if !NAME` before the routine: the boolean binding that decides whether the
    /// call runs. Nil when the call is unconditional.
    public var guardName: String?
    /// True for `if !NAME`: the call runs when the binding is FALSE (or was never made).
    public var guardNegated = false
    /// Column of the guard's name (after the `!`).
    public var guardColumn: Int?
    /// Width of each argument as written, parallel to ``arguments`` (for carets).
    public var argumentLengths: [Int]

    public init(
        thread: String?, binding: String?, routine: Routine, arguments: [Argument], location: SourceLocation,
        text: String, threadColumn: Int? = nil, bindingColumn: Int? = nil, argumentLengths: [Int] = []
    ) {
        self.thread = thread
        self.binding = binding
        self.routine = routine
        self.arguments = arguments
        self.location = location
        self.text = text
        self.threadColumn = threadColumn
        self.bindingColumn = bindingColumn
        self.argumentLengths =
            argumentLengths.count == arguments.count ? argumentLengths : arguments.map { _ in 1 }
    }

    /// The thread the call runs on: the prefix, or `main`.
    public var threadName: String { thread ?? "main" }

    /// The location and caret width of argument `index`, for diagnostics about it.
    public func span(ofArgument index: Int) -> (location: SourceLocation, length: Int) {
        span(ofArgument: index, at: location)
    }

    /// The same, for the call written at `location` (its routine name's).
    public func span(ofArgument index: Int, at location: SourceLocation) -> (
        location: SourceLocation, length: Int
    ) {
        (location.at(column: arguments[index].column), argumentLengths[index])
    }

    /// The handle argument (the first parameter of every routine that takes one).
    public var handle: String? {
        guard routine.handleParameter != nil else { return nil }
        return arguments.first?.name
    }
}

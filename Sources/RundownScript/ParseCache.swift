/// ``Parser/parse(line:location:)`` through a bounded memo of the calls already parsed.
///
/// A script that repeats a line (a loop written out, a bench, a REPL session re-running its
/// history) lexes and checks it once: parsing is a pure function of the line's text, and a
/// call's only dependence on where it was written is its ``Call/location``, which a hit takes
/// from the line it is asked for. Only calls are kept (declarations, directives and
/// diagnostics carry locations of their own, and are rare); the memo is emptied when it holds
/// ``capacity`` calls, so its memory is bounded whatever the script.
public struct ParseCache {
    /// The most calls kept at once.
    public static let capacity = 1024

    private var calls: [String: Call] = [:]

    public init() {}

    /// Calls held right now.
    public var count: Int { calls.count }

    /// What ``Parser/parse(line:location:)`` returns for `line` at `location`.
    public mutating func parse(line: String, location: SourceLocation) -> Parsed {
        if var call = calls[line] {
            call.location = SourceLocation(
                file: location.file, line: location.line, column: call.location.column)
            return .success(.call(call))
        }
        let result = Parser.parse(line: line, location: location)
        if case .success(.call(let call)) = result {
            if calls.count >= Self.capacity { calls.removeAll(keepingCapacity: true) }
            calls[line] = call
        }
        return result
    }
}

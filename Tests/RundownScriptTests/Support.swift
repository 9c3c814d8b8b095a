import RundownScript
import Testing

let here = SourceLocation(file: "t.rdsh", line: 7)

/// Parses a line that must parse.
func parsed(_ line: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Statement {
    switch Parser.parse(line: line, location: here) {
    case .success(let statement): return statement
    case .failure(let diagnostic):
        Issue.record("unexpected \(diagnostic.headline) \(diagnostic.notes)", sourceLocation: sourceLocation)
        throw diagnostic
    }
}

/// Parses a line that must fail, returning the diagnostic.
func rejected(_ line: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Diagnostic? {
    switch Parser.parse(line: line, location: here) {
    case .success(let statement):
        Issue.record("expected a diagnostic, parsed \(statement)", sourceLocation: sourceLocation)
        return nil
    case .failure(let diagnostic): return diagnostic
    }
}

/// The call of a line that must parse as a call.
func call(_ line: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Call {
    guard case .call(let call) = try parsed(line, sourceLocation: sourceLocation) else {
        Issue.record("not a call: \(line)", sourceLocation: sourceLocation)
        throw Diagnostic(.syntax, "not a call")
    }
    return call
}

/// Column of the first occurrence of `needle` in `line` (1-based, scalars).
func column(of needle: String, in line: String) -> Int {
    let hay = Array(line.unicodeScalars)
    let pin = Array(needle.unicodeScalars)
    guard !pin.isEmpty, hay.count >= pin.count else { return -1 }
    for start in 0...(hay.count - pin.count) where Array(hay[start..<start + pin.count]) == pin {
        return start + 1
    }
    return -1
}

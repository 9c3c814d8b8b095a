/// The parameter hint shown at the right of the line, as a pure function.
///
/// After a routine name and a blank the remaining parameters appear (`<RunRef> <Count>  ->
/// BOOLEAN`), dropping one as each argument is started, the way redis-cli shows them. Directives
/// show their parameters too (optional ones in brackets), without a return type.
public enum Hint {
    /// The hint for `line` (the text up to the cursor), or "" when there is none.
    public static func hint(line: String, vocabulary: Vocabulary) -> String {
        let position = LinePosition(line[...])
        guard case .argument(let command, let index) = position.slot else { return "" }
        let started = index + (position.word.isEmpty ? 0 : 1)
        if command == vocabulary.declarationKeyword {
            let parameters = ["<Name>", "[= \(vocabulary.activeInitializer)]"]
            return parameters.dropFirst(min(started, 2)).joined(separator: " ")
        }
        guard let shape = vocabulary.command(named: command), started <= shape.parameters.count
        else { return "" }
        let remaining = shape.parameters.dropFirst(started).map {
            $0.optional ? "[\($0.name)]" : "<\($0.name)>"
        }
        var text = remaining.joined(separator: " ")
        if let returns = shape.returns {
            text += (text.isEmpty ? "" : "  ") + "-> " + returns
        }
        return text
    }
}

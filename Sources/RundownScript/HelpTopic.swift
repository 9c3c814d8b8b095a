/// What `.help NAME` can explain: a routine, a directive, or a diagnostic code.
public enum HelpTopic: Sendable, Hashable {
    case routine(Routine)
    case directive(DirectiveSpec)
    case code(DiagnosticCode)

    /// Resolves a `.help` argument: an exact routine name, a directive with or without its dot,
    /// or a diagnostic code in any case. Routine names also match ignoring case when that is
    /// unambiguous.
    public static func resolve(_ name: String) -> HelpTopic? {
        if let routine = RoutineCatalogue.named(name) { return .routine(routine) }
        if let directive = DirectiveCatalogue.named(name) ?? DirectiveCatalogue.named("." + name) {
            return .directive(directive)
        }
        if let code = DiagnosticCode(name: name) { return .code(code) }
        let folded = RoutineCatalogue.all.filter { $0.name.lowercased() == name.lowercased() }
        if folded.count == 1 { return .routine(folded[0]) }
        return nil
    }

    /// Every topic name: routines, directives, codes (for completion).
    public static var names: [String] {
        RoutineCatalogue.names + DirectiveCatalogue.names + DiagnosticCode.allCases.map(\.rawValue)
    }

    /// Nearest topic names for a misspelling.
    public static func suggestions(for name: String) -> [String] {
        NameSuggester.suggestions(for: name, among: names)
    }
}

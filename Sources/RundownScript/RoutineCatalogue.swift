/// The 19 documented `Ex*RundownProtection*` routines: the single table behind the parser,
/// the contract checker, `.help`, completion, hints and `rdsh doc`.
public enum RoutineCatalogue {
    /// Every routine, in the order of the WDK summary table (plain first, then cache-aware).
    public static let all: [Routine] = plainRoutines + cacheAwareRoutines

    /// The routine spelled exactly `name` (names are case-sensitive), or nil. A scan of the 19
    /// names, made when a line is first parsed: a dictionary of them cost 10 µs to build
    /// before a script's first command.
    public static func named(_ name: String) -> Routine? { all.first { $0.name == name } }

    /// Every routine name, in catalogue order.
    public static var names: [String] { all.map(\.name) }

    /// Nearest routine names for a misspelling, best first (case-insensitive edit distance).
    public static func suggestions(for name: String) -> [String] {
        NameSuggester.suggestions(for: name, among: names)
    }

    /// Routines of one `.help` family, in catalogue order.
    public static func routines(in family: RoutineFamily) -> [Routine] {
        all.filter { $0.family == family }
    }
}

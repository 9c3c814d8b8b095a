/// "Did you mean ...?": nearest names by case-insensitive edit distance.
///
/// Used for routines, directives, handles, threads, pool types, IRQL names and help topics.
public enum NameSuggester {
    /// Candidates close to `name`: the names with the best score, where the score is the
    /// case-insensitive edit distance (insertions, deletions, substitutions, adjacent
    /// transpositions) when it is small, and otherwise a name that starts with or contains what
    /// was typed ranks after every close spelling. Ties are ordered shortest first; at most
    /// `limit` names.
    public static func suggestions(for name: String, among candidates: [String], limit: Int = 3) -> [String] {
        let typed = Array(name.lowercased().unicodeScalars)
        guard !typed.isEmpty else { return [] }
        let threshold = max(2, typed.count / 4)
        var scored: [(score: Int, name: String)] = []
        for candidate in candidates where candidate != name {
            let folded = Array(candidate.lowercased().unicodeScalars)
            let distance = editDistance(typed, folded, limit: threshold)
            if let distance {
                scored.append((distance, candidate))
            } else if typed.count >= 3, candidate.lowercased().hasPrefix(name.lowercased()) {
                scored.append((threshold + 1, candidate))
            } else if typed.count >= 4, candidate.lowercased().contains(name.lowercased()) {
                scored.append((threshold + 2, candidate))
            }
        }
        scored.sort { ($0.score, $0.name.count, $0.name) < ($1.score, $1.name.count, $1.name) }
        // Only the best-scoring names: one clear suggestion beats a list of weaker ones.
        guard let best = scored.first?.score else { return [] }
        return Array(scored.prefix { $0.score == best }.prefix(limit).map(\.name))
    }

    /// The single best suggestion, if any.
    public static func best(for name: String, among candidates: [String]) -> String? {
        suggestions(for: name, among: candidates, limit: 1).first
    }

    /// A note for a diagnostic: `did you mean 'X'?` or `did you mean 'X' or 'Y'?`, nil if none.
    public static func didYouMean(_ suggestions: [String]) -> String? {
        guard let first = suggestions.first else { return nil }
        if suggestions.count == 1 { return "did you mean '\(first)'?" }
        let quoted = suggestions.map { "'\($0)'" }
        return "did you mean " + quoted.dropLast().joined(separator: ", ") + " or " + quoted.last! + "?"
    }

    /// Optimal-string-alignment distance, or nil when it exceeds `limit` (early exit keeps the
    /// cost low for the long routine names).
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int? {
        if abs(a.count - b.count) > limit { return nil }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return nil }
            (previous2, previous, current) = (previous, current, previous2)
        }
        let result = previous[b.count]
        return result <= limit ? result : nil
    }
}

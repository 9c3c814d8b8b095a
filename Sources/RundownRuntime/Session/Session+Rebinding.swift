import Rundown
import RundownScript

// MARK: - HANDLE_REBOUND

extension Session {
    /// `C = ...` over a name that still holds an object loses that object: an allocation can
    /// then never be freed, a reference never run down. Warns at the binding; the call itself
    /// already ran (the result must go somewhere), so this is a warning, not a refusal.
    func warnIfRebindingLoses(_ existing: Handle, at location: SourceLocation, sourceText: String) {
        let lost: String
        var notes: [String] = []
        switch existing.value {
        case .plain(let ref):
            let snapshot = ref.snapshot()
            lost =
                "the plain reference \(existing.name) (state \(snapshot.state.rawValue), \(references(snapshot.holders)) outstanding)"
        case .cacheAware(let ref):
            guard !ref.isFreed else { return }
            let snapshot = ref.checkedSnapshot()
            lost =
                "the cache-aware reference \(existing.name) (state \(snapshot.state.rawValue), \(references(snapshot.holders)) outstanding)"
            if ref.isAllocated {
                notes.append(
                    realWindowsNote(
                        "overwriting the only pointer to a pool allocation leaks it: nothing can free it any more"
                    ))
            }
        case .null, .number, .boolean:
            return
        }
        notes.append(
            "hint: bind the new object to another name, or free or run down \(existing.name) first")
        let column = Self.column(of: existing.name, in: sourceText) ?? location.column
        report(
            Diagnostic(
                .handleRebound, "\(existing.name) is bound again: \(lost) is no longer reachable",
                location: location.at(column: column), length: existing.name.count, notes: notes),
            sourceText: sourceText)
    }

    /// The 1-based column of `name` as a whole word in `line`.
    static func column(of name: String, in line: String) -> Int? {
        let characters = Array(line)
        let target = Array(name)
        guard target.count <= characters.count else { return nil }
        for start in 0...(characters.count - target.count)
        where Array(characters[start..<start + target.count]) == target {
            let before = start == 0 ? " " : characters[start - 1]
            let after = start + target.count < characters.count ? characters[start + target.count] : " "
            if !(before.isLetter || before.isNumber || before == "_")
                && !(after.isLetter || after.isNumber || after == "_")
            {
                return start + 1
            }
        }
        return nil
    }
}

/// Where the REPL keeps its history file.
///
/// `$RDSH_HISTORY`, else `$XDG_STATE_HOME/rdsh/history`, else `~/.local/state/rdsh/history`.
/// An empty `RDSH_HISTORY` (or `/dev/null`) turns history off. Relative XDG values are ignored,
/// as the XDG specification requires.
public enum HistoryLocation {
    /// The history file for `environment`, or nil when history is off or has no home.
    public static func path(environment: [String: String]) -> String? {
        if let explicit = environment["RDSH_HISTORY"] {
            if explicit.isEmpty || explicit == "/dev/null" { return nil }
            return explicit
        }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/rdsh/history"
        }
        if let home = environment["HOME"], !home.isEmpty {
            return (home.hasSuffix("/") ? String(home.dropLast()) : home) + "/.local/state/rdsh/history"
        }
        return nil
    }

    /// Whether a line goes into the history: not blank, not starting with a blank (the shells'
    /// "ignorespace" convention for keeping a line out of the file).
    public static func shouldRecord(_ line: String) -> Bool {
        guard let first = line.first else { return false }
        if first == " " || first == "\t" { return false }
        return line.contains { $0 != " " && $0 != "\t" }
    }
}

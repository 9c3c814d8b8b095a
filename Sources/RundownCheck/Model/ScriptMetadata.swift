/// The `#% key: value` lines at the top of a script.
public struct ScriptMetadata: Sendable, Equatable {
    /// `#% skip: reason`: the file is not run.
    public var skip: String?
    /// `#% xfail: reason`: the file is expected to fail; passing is reported as XPASS (a failure).
    public var xfail: String?
    /// `#% timeout: SECONDS`: the session's watchdog for this file.
    public var timeoutSeconds: Double?
    /// `#% processors: N`: the session's processor count for this file.
    public var processors: Int?

    /// The keys a script may use.
    public static let knownKeys = ["skip", "xfail", "timeout", "processors"]

    public init() {}

    /// Applies one `#%` line; returns an error message for a malformed line or an unknown key.
    mutating func apply(_ text: String) -> String? {
        var rest = text.trimmingLeadingBlanks().dropFirst(2).trimmingLeadingBlanks()
        guard let colon = rest.firstIndex(of: ":") else {
            return "malformed metadata line '\(text.trimmingTrailingBlanks())'; expected '#% key: value'"
        }
        let key = rest[..<colon].trimmingTrailingBlanks().lowercased()
        rest = rest[rest.index(after: colon)...].trimmingLeadingBlanks()
        let value = rest.trimmingTrailingBlanks()
        switch key {
        case "skip":
            skip = value.isEmpty ? "no reason given" : value
        case "xfail":
            xfail = value.isEmpty ? "no reason given" : value
        case "timeout":
            guard let seconds = Double(value), seconds > 0, seconds <= 3600 else {
                return "bad timeout '\(value)'; expected seconds between 0 and 3600, e.g. '#% timeout: 5'"
            }
            timeoutSeconds = seconds
        case "processors":
            guard let n = Int(value), n >= 1, n <= 1024 else {
                return "bad processor count '\(value)'; expected 1...1024, e.g. '#% processors: 4'"
            }
            processors = n
        default:
            return "unknown metadata key '\(key)'; known keys: \(Self.knownKeys.joined(separator: ", "))"
        }
        return nil
    }
}

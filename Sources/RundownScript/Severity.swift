/// How serious a diagnostic is. Errors make `rdsh run` exit non-zero; warnings do not.
public enum Severity: String, Sendable, Hashable, CaseIterable {
    case error
    case warning
}

// swift-format-ignore: AlwaysUseLowerCamelCase
// The cases keep the WDK spelling on purpose (design.md §2).
/// The interrupt request levels a script thread can run at (`.irql T LEVEL`).
///
/// Case names are spelled as in the WDK so that they print and parse the way driver
/// writers know them.
public enum Irql: Int, Comparable, CaseIterable, Sendable, CustomStringConvertible {
    case PASSIVE_LEVEL = 0
    case APC_LEVEL = 1
    case DISPATCH_LEVEL = 2

    /// The WDK spelling, e.g. `DISPATCH_LEVEL`.
    public var name: String {
        switch self {
        case .PASSIVE_LEVEL: "PASSIVE_LEVEL"
        case .APC_LEVEL: "APC_LEVEL"
        case .DISPATCH_LEVEL: "DISPATCH_LEVEL"
        }
    }

    public var description: String { name }

    /// Parses `PASSIVE_LEVEL`, `APC_LEVEL`, `DISPATCH_LEVEL` (exact spelling) or `0`, `1`, `2`.
    public init?(name: String) {
        if let level = Irql.allCases.first(where: { $0.name == name }) {
            self = level
        } else if let number = Int(name), let level = Irql(rawValue: number) {
            self = level
        } else {
            return nil
        }
    }

    public static func < (lhs: Irql, rhs: Irql) -> Bool { lhs.rawValue < rhs.rawValue }
}

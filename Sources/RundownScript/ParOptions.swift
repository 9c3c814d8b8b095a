/// The options of a `.par` block, read from its directive's `key=value` arguments.
public struct ParOptions: Sendable, Hashable {
    /// The option names `.par` accepts.
    public static let keys = ["budget", "seed", "schedule", "granularity", "preemptions"]
    /// What one step of the exploration is.
    public enum Granularity: String, Sendable, Hashable, CaseIterable {
        /// One routine call, with the documented step points inside cache-aware sweeps.
        case call
        /// One atomic operation (or futex call) of the library.
        case atomic
    }
    /// Default preemption bound at `granularity=atomic`.
    public static let defaultPreemptions = 2
    /// Largest `preemptions=` accepted.
    public static let maximumPreemptions = 100
    /// Default largest number of schedules run for one block.
    public static let defaultBudget = 100_000
    /// Largest `budget=` accepted.
    public static let maximumBudget = 10_000_000
    /// Default seed of the random sampling past the budget.
    public static let defaultSeed: UInt64 = 1

    /// Most schedules to run.
    public var budget = ParOptions.defaultBudget
    /// Seed of the sampling past the budget.
    public var seed = ParOptions.defaultSeed
    /// `schedule="A.1 W.1"`: run exactly these steps with the full transcript.
    public var schedule: [ScheduleStep]?
    /// `granularity=`: calls (the default) or atomic operations.
    public var granularity = Granularity.call
    /// `preemptions=K`: the preemption bound at `granularity=atomic`.
    public var preemptions = ParOptions.defaultPreemptions

    public init() {}

    /// The options of a parsed `.par` directive (its arguments were checked by the parser).
    public init(_ directive: Directive) {
        for argument in directive.arguments {
            guard let equals = argument.text.firstIndex(of: "=") else { continue }
            let key = argument.text[..<equals]
            let value = String(argument.text[argument.text.index(after: equals)...])
            switch key {
            case "budget": budget = Int(Lexer.integerValue(value).magnitude ?? 1)
            case "seed": seed = Lexer.integerValue(value).magnitude ?? ParOptions.defaultSeed
            case "schedule": schedule = ParOptions.steps(value)
            case "granularity": granularity = Granularity(rawValue: value) ?? .call
            case "preemptions":
                preemptions = Int(
                    Lexer.integerValue(value).magnitude ?? UInt64(ParOptions.defaultPreemptions))
            default: break
            }
        }
    }

    /// The steps of a schedule string; nil when one is malformed.
    public static func steps(_ text: String) -> [ScheduleStep]? {
        var steps: [ScheduleStep] = []
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            guard let dot = word.lastIndex(of: "."), let number = Int(word[word.index(after: dot)...]),
                number >= 1, Token.isIdentifier(String(word[..<dot]))
            else { return nil }
            steps.append(ScheduleStep(thread: String(word[..<dot]), number: number))
        }
        return steps
    }

    /// The first malformed step of a schedule string, or nil when every step is well formed.
    public static func badScheduleStep(_ text: String) -> String? {
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        where steps(String(word)) == nil {
            return String(word)
        }
        return text.allSatisfy({ $0 == " " || $0 == "\t" }) ? "(empty)" : nil
    }
}

/// One step of a schedule: thread `thread`'s `number`-th step (`A.2`).
public struct ScheduleStep: Sendable, Hashable, CustomStringConvertible {
    public var thread: String
    public var number: Int

    public init(thread: String, number: Int) {
        self.thread = thread
        self.number = number
    }

    public var description: String { "\(thread).\(number)" }
}

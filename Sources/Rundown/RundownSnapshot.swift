/// A point-in-time view of a run-down reference, for `.show` and for tests.
public struct RundownSnapshot: Sendable, Equatable {
    /// The state, named after the specification's state machine.
    public let state: RundownStateName
    /// Outstanding references: the live count, or the count a waiter is still waiting for.
    /// Zero for stale, completed and freed. A cache-aware sum may read negative only after misuse.
    public let holders: Int
    /// The plain word; for a cache-aware object the modular sum of the slot words when live,
    /// otherwise slot 0's word.
    public let word: UInt
    /// Per-slot signed holder counts (cache-aware only, nil for the plain reference). A slot
    /// may be negative: a reference acquired on one processor and released on another. A slot
    /// that is marked (stale, completed, swept) reads 0; the state says which.
    public let slots: [Int]?

    public init(state: RundownStateName, holders: Int, word: UInt, slots: [Int]?) {
        self.state = state
        self.holders = holders
        self.word = word
        self.slots = slots
    }
}

extension RundownSnapshot: CustomStringConvertible {
    /// `state=live holders=2` plus ` slots=[1,1,0,0]` for a cache-aware object.
    public var description: String {
        var text = "state=\(state.rawValue) holders=\(holders)"
        if let slots {
            text += " slots=[" + slots.map(String.init).joined(separator: ",") + "]"
        }
        return text
    }
}

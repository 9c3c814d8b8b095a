import Rundown

extension RundownSnapshot {
    /// The snapshot with a live cache-aware object's holders read from the unsigned modular
    /// sum of its slot words. The library reads that sum as a signed `Int`, so 2^62 holders or
    /// more came out negative and a legal release looked like RELEASE_WITHOUT_ACQUIRE; the
    /// specification (section 7.8) allows up to 2^63 - 1. In rdsh the sum never goes below
    /// zero (the checker refuses a release without an acquire), so unsigned is always right.
    var withUnsignedHolders: RundownSnapshot {
        guard state == .live, slots != nil else { return self }
        return RundownSnapshot(
            state: state, holders: Self.holders(fromSlotSum: word), word: word, slots: slots)
    }

    /// Holders from the modular sum of the slot words (each holder counts 2).
    static func holders(fromSlotSum word: UInt) -> Int { Int(word >> 1) }
}

extension CacheAwareRundownRef {
    /// `snapshot()`, with the holder count read as unsigned (see `withUnsignedHolders`).
    func checkedSnapshot() -> RundownSnapshot { snapshot().withUnsignedHolders }
}

import Rundown
import Testing

@testable import RundownRuntime

/// Spec section 7.8: a cache-aware object may have up to 2^63 - 1 holders. The slot words add
/// up modulo 2^64 with 2 per holder, so 2^62 holders or more set the top bit: read as signed,
/// that was a negative count and a legal release was refused as RELEASE_WITHOUT_ACQUIRE.
/// (Reaching 2^62 through the routines takes 2^31 calls of Count 0x7FFFFFFF, so this is
/// tested on the snapshot rdsh reads.)
@Suite(.timeLimit(.minutes(1))) struct HolderCountTests {
    @Test(arguments: [UInt(2), UInt(1) << 62, UInt(1) << 63, UInt.max - 1])
    func holdersAreReadUnsigned(word: UInt) {
        let raw = RundownSnapshot(
            state: .live, holders: Int(bitPattern: word) >> 1, word: word, slots: [0, 0, 0, 0])
        let read = raw.withUnsignedHolders
        #expect(read.holders >= 0)
        #expect(read.holders == Int(word >> 1))
    }

    @Test func twoToTheSixtyTwoHoldersArePositive() {
        let word = UInt(1) << 63
        #expect(RundownSnapshot.holders(fromSlotSum: word) == 1 << 62)
        // The signed reading the library makes is negative: the bug this guards against.
        #expect(Int(bitPattern: word) >> 1 < 0)
    }

    @Test func otherStatesAreLeftAlone() {
        let waiting = RundownSnapshot(state: .waiting, holders: 3, word: 0, slots: [0, 0])
        #expect(waiting.withUnsignedHolders == waiting)
        let plain = RundownSnapshot(state: .live, holders: 1, word: 2, slots: nil)
        #expect(plain.withUnsignedHolders == plain)
    }
}

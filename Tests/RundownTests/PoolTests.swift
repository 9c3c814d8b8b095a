import Testing

@testable import Rundown

/// The pool's books after allocations and frees in any order: what a POOL_LEAK report lists.
@Suite(.timeLimit(.minutes(1))) struct PoolTests {
    @Test func outstandingStaysOldestFirstWhateverTheFreeOrder() throws {
        let pool = RundownPool()
        var blocks: [PoolBlock] = []
        for i in 0..<50 {
            blocks.append(try #require(pool.allocate(bytes: 64 + i, type: .NonPagedPool, tag: 0x6C50_6452)))
        }
        for i in stride(from: 49, through: 0, by: -3) { pool.free(blocks[i].allocation.id) }
        pool.free(blocks[1].allocation.id)
        pool.free(9999)  // unknown ids change nothing
        let expected = (0..<50).filter { ($0 - 49) % 3 != 0 && $0 != 1 }.map { blocks[$0].allocation }
        #expect(pool.outstanding == expected)
        #expect(pool.allocationCount == 50)
        for i in 0..<50 where !expected.contains(blocks[i].allocation) {
            #expect(!pool.outstanding.contains(blocks[i].allocation))
        }
        for block in blocks { block.deallocate() }
    }
}

import Rundown
import Testing

@Suite("Cache-aware layout, sizes, pool and slots", .timeLimit(.minutes(1)))
struct CacheAwareLayoutTests {
    @Test("ExSizeOfRundownProtectionCacheAware (x64)", arguments: [(1, 32), (2, 216), (4, 344), (8, 600)])
    func size(processors: Int, bytes: Int) {
        #expect(CacheAwareRundownRef.size(processorCount: processors) == bytes)
    }

    @Test("Allocate: aligned slots, one per cache line, header as in the kernel", arguments: [1, 2, 4, 8])
    func allocatedLayout(processors: Int) throws {
        let pool = RundownPool()
        let ref = try #require(
            CacheAwareRundownRef.allocate(
                poolType: .PagedPool, tag: 0x6754_6452, processorCount: processors, pool: pool))
        let header = ref.header
        #expect(Int(header.number) == processors)
        #expect(ref.slotCount == processors)
        #expect(header.runRefSize == (processors > 1 ? 64 : 8))
        if processors > 1 { #expect(header.runRefs % 64 == 0, "slot 0 starts a cache line") }
        #expect(header.poolToFree != 0x0BAD_CA11)
        #expect(header.runRefs >= header.poolToFree)
        // Header + slot block: exactly what SizeOf says, in two tagged pool blocks.
        let blocks = pool.outstanding
        #expect(blocks.map(\.bytes).reduce(0, +) == CacheAwareRundownRef.size(processorCount: processors))
        #expect(blocks.allSatisfy { $0.tag == 0x6754_6452 && $0.type == .PagedPool })
        #expect(blocks.first?.tagText == "RdTg")
        #expect(ref.storageSize == CacheAwareRundownRef.size(processorCount: processors))
        // The last slot stays inside the raw slot block.
        let slotBlockBytes = UInt(blocks[1].bytes)
        #expect(
            header.runRefs + UInt(processors - 1) * UInt(header.runRefSize) + 8
                <= header.poolToFree + slotBlockBytes)
        try ref.free()
        #expect(pool.outstanding.isEmpty)
    }

    @Test(
        "Initialize in caller storage: slot count from the size, sentinel PoolToFree",
        arguments: [(32, 1), (216, 2), (344, 4), (600, 8)])
    func initializedLayout(size: Int, slots: Int) throws {
        let ref = try CacheAwareRundownRef.initialize(storageSize: size)
        let header = ref.header
        #expect(ref.slotCount == slots)
        #expect(header.poolToFree == 0x0BAD_CA11)
        #expect(!ref.isAllocated)
        if slots == 1 {
            #expect(header.runRefs == header.address + 24, "the single slot follows the header")
        } else {
            #expect(header.runRefs % 64 == 0)
            #expect(header.runRefs >= header.address + 24)
            #expect(header.runRefs + UInt(slots) * 64 <= header.address + UInt(size))
        }
        #expect(
            ref.snapshot()
                == RundownSnapshot(
                    state: .live, holders: 0, word: 0, slots: Array(repeating: 0, count: slots)))
    }

    @Test(
        "Sizes SizeOf cannot produce are refused",
        arguments: [
            (0, 32), (31, 32), (100, 216), (152, 216), (345, 408), (24 + 2 * 64, 216),
        ])
    func sizeMismatch(size: Int, expected: Int) {
        #expect(throws: RundownViolation.sizeMismatch(given: size, expected: expected)) {
            try CacheAwareRundownRef.initialize(storageSize: size)
        }
    }

    @Test func sizeMustMatchTheProcessorCountWhenGiven() throws {
        #expect(throws: RundownViolation.sizeMismatch(given: 600, expected: 344)) {
            try CacheAwareRundownRef.initialize(storageSize: 600, processorCount: 4)
        }
        #expect(try CacheAwareRundownRef.initialize(storageSize: 344, processorCount: 4).slotCount == 4)
    }

    @Test("Allocation failure at each step returns nil and leaves nothing allocated", arguments: [1, 2, 3])
    func allocationFailure(failures: Int) throws {
        let pool = RundownPool()
        pool.failNextAllocations(failures)
        let ref = CacheAwareRundownRef.allocate(
            poolType: .NonPagedPool, tag: 1, processorCount: 4, pool: pool)
        // Attempts: header, slots (never 64-aligned below a page), slots + 1 aligned.
        #expect(ref == nil)
        #expect(pool.outstanding.isEmpty)
        // The failures are consumed: the next allocation works.
        pool.failNextAllocations(0)
        #expect(
            CacheAwareRundownRef.allocate(poolType: .NonPagedPool, tag: 1, processorCount: 4, pool: pool)
                != nil)
    }

    @Test func singleProcessorAllocationTakesTwoBlocks() throws {
        let pool = RundownPool()
        pool.failNextAllocations(2)
        #expect(
            CacheAwareRundownRef.allocate(poolType: .NonPagedPool, tag: 1, processorCount: 1, pool: pool)
                == nil)
        #expect(pool.failureCount == 1, "the header fails; nothing else is tried")
        #expect(
            CacheAwareRundownRef.allocate(poolType: .NonPagedPool, tag: 1, processorCount: 1, pool: pool)
                == nil)
        let ref = try #require(
            CacheAwareRundownRef.allocate(poolType: .NonPagedPool, tag: 1, processorCount: 1, pool: pool))
        #expect(pool.failureCount == 2)
        #expect(pool.outstanding.map(\.bytes) == [24, 8], "one word, no alignment slack")
        _ = ref
    }

    @Test func leakedAllocationsStayOnTheOutstandingList() throws {
        let pool = RundownPool()
        var refs: [CacheAwareRundownRef] = []
        for tag in [UInt32(1), 2, 3] {
            refs.append(
                try #require(
                    CacheAwareRundownRef.allocate(
                        poolType: .NonPagedPoolNx, tag: tag, processorCount: 2, pool: pool)))
        }
        try refs[1].free()
        #expect(pool.outstanding.map(\.tag) == [1, 1, 3, 3])
    }

    @Test("Slots may go negative; only the sum counts (spec §7.9)")
    func crossSlotAcquireRelease() throws {
        let ref = try CacheAwareRundownRef.initialize(storageSize: 344)
        #expect(try ref.acquire(processor: 0))
        #expect(try ref.acquire(processor: 0))
        try ref.release(processor: 1)
        #expect(ref.snapshot().slots == [2, -1, 0, 0])
        #expect(ref.snapshot().holders == 1)
        try ref.release(processor: 6)  // 6 mod 4 = slot 2
        #expect(ref.snapshot().slots == [2, -1, -1, 0])
        #expect(ref.snapshot().holders == 0)
        #expect(try ref.waitForRelease() == .noHolders, "the slots sum to zero")
        #expect(ref.snapshot().state == .stale)
    }

    @Test func processorNumbersWrapByModulo() throws {
        let ref = try CacheAwareRundownRef.initialize(storageSize: 344)
        #expect(try ref.acquire(processor: 5))
        #expect(try ref.acquire(processor: -1))
        #expect(ref.snapshot().holders == 2)
        #expect(ref.snapshot().slots?[1] == 1)
    }
}

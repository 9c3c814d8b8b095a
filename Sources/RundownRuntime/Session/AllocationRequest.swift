import Rundown

/// What an ExAllocateCacheAwareRundownProtection asked for, kept for POOL_LEAK reports.
struct AllocationRequest {
    var poolType: PoolType
    var tag: UInt32
    var tagText: String
}

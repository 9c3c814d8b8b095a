// Readers on every processor use the current snapshot; a swap waits for the old one's readers.
static PEX_RUNDOWN_REF_CACHE_AWARE SnapshotReaders;
static SNAPSHOT *volatile CurrentSnapshot;
static FAST_MUTEX SwapLock;

VOID ClassifyFn(/* FWPS_INCOMING_VALUES0 ... */)                // threads Cl0, Cl2: DISPATCH_LEVEL
{
    if (!ExAcquireRundownProtectionCacheAware(SnapshotReaders))
        return;                                                  // mid-swap: block the packet
    Decide(CurrentSnapshot);
    ExReleaseRundownProtectionCacheAware(SnapshotReaders);
}

VOID ReplaceSnapshot(SNAPSHOT *New)                             // thread Swap, PASSIVE_LEVEL
{
    ExAcquireFastMutex(&SwapLock);
    SNAPSHOT *Old = InterlockedExchangePointer((PVOID *)&CurrentSnapshot, New);
    ExWaitForRundownProtectionReleaseCacheAware(SnapshotReaders);
    DestroySnapshot(Old);
    ExRundownCompletedCacheAware(SnapshotReaders);
    ExReInitializeRundownProtectionCacheAware(SnapshotReaders);  // a full cycle every time
    ExReleaseFastMutex(&SwapLock);
}

VOID Unload(void)                                               // thread Swap
{
    ReplaceSnapshotWithNull();                                   // the final swap: no reinitialize
    ExFreeCacheAwareRundownProtection(SnapshotReaders);
}

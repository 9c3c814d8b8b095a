// Cache-aware per-processor packet credits in a miniport adapter.
typedef struct _ADAPTER { PEX_RUNDOWN_REF_CACHE_AWARE RxCredits; } ADAPTER;

NDIS_STATUS MiniportInitialize(ADAPTER *A)                      // thread Init
{
    A->RxCredits = ExAllocateCacheAwareRundownProtection(NonPagedPoolNx, 'pMdX');
    if (A->RxCredits == NULL)
        return NDIS_STATUS_RESOURCES;
    ExWaitForRundownProtectionReleaseCacheAware(A->RxCredits);   // closed until restart
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS MiniportRestart(ADAPTER *A)                         // thread Init
{
    ExReInitializeRundownProtectionCacheAware(A->RxCredits);
    return NDIS_STATUS_SUCCESS;
}

VOID RxPoll(ADAPTER *A, ULONG Count)                            // threads Rx0, Rx1: DISPATCH_LEVEL
{
    if (ExAcquireRundownProtectionCacheAwareEx(A->RxCredits, Count))   // this processor's slot
        NdisMIndicateReceiveNetBufferLists(/* ... */);
}

VOID MiniportReturnNetBufferLists(ADAPTER *A, ULONG Count)      // thread Ret, another processor
{
    ExReleaseRundownProtectionCacheAwareEx(A->RxCredits, Count); // merged chains, other sizes
}

NDIS_STATUS MiniportPause(ADAPTER *A)                           // thread Pause
{
    ExWaitForRundownProtectionReleaseCacheAware(A->RxCredits);
    return NDIS_STATUS_SUCCESS;
}

VOID MiniportHalt(ADAPTER *A)                                   // thread Init
{
    ExFreeCacheAwareRundownProtection(A->RxCredits);             // paused: already run down
}

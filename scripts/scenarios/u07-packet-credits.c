// One reference per packet in flight, acquired and released in chains of any size.
typedef struct _RX_QUEUE { EX_RUNDOWN_REF Packets; /* nonpaged */ } RX_QUEUE;

VOID RxQueueCreate(RX_QUEUE *Q)                                 // thread Create
{
    ExInitializeRundownProtection(&Q->Packets);
    ExWaitForRundownProtectionRelease(&Q->Packets);              // created paused
}

BOOLEAN RxIndicateChain(RX_QUEUE *Q, ULONG Count)               // thread Rx, DISPATCH_LEVEL
{
    if (!ExAcquireRundownProtectionEx(&Q->Packets, Count))
        return FALSE;                                            // paused: return the chain
    IndicateToStack(Q, Count);
    return TRUE;
}

VOID RxCompleteChain(RX_QUEUE *Q, ULONG Count)                  // thread Comp
{
    ExReleaseRundownProtectionEx(&Q->Packets, Count);            // sub-chains: 5, 3, 2, ...
}

VOID RxQueuePause(RX_QUEUE *Q)                                  // thread Pause
{
    ExWaitForRundownProtectionRelease(&Q->Packets);
}

VOID RxQueueRestart(RX_QUEUE *Q)                                // thread Pause
{
    if (ExAcquireRundownProtection(&Q->Packets)) {               // must still be closed
        ExReleaseRundownProtection(&Q->Packets);
        return;
    }
    ExReInitializeRundownProtection(&Q->Packets);
}

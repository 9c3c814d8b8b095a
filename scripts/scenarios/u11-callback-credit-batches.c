// Callback blocks with fast-reference credit batches (after ReactOS ex/callback.c).
#define MAX_FAST_REFS 7

typedef struct _CALLBACK_BLOCK { EX_RUNDOWN_REF RundownProtect; /* function, context */ } CALLBACK_BLOCK;

BOOLEAN PublishCallback(CALLBACK_BLOCK *Block, EX_FAST_REF *Slot)   // thread Reg
{
    ExInitializeRundownProtection(&Block->RundownProtect);
    // One reference for the slot itself, MAX_FAST_REFS cached as credits in the fast ref.
    if (!ExAcquireRundownProtectionEx(&Block->RundownProtect, MAX_FAST_REFS + 1))
        return FALSE;
    ExFastRefInit(Slot, Block, MAX_FAST_REFS);
    return TRUE;
}

CALLBACK_BLOCK *ReferenceCallback(EX_FAST_REF *Slot)            // threads Caller1, Caller2
{
    CALLBACK_BLOCK *Block;
    ULONG Credits = ExFastRefTake(Slot, &Block);                 // one cached credit
    if (Credits == 1)                                            // took the last one: refill
        if (ExAcquireRundownProtectionEx(&Block->RundownProtect, MAX_FAST_REFS))
            ExFastRefAdd(Slot, MAX_FAST_REFS);
    return Block;
}

VOID DereferenceCallback(EX_FAST_REF *Slot, CALLBACK_BLOCK *Block)
{
    if (!ExFastRefGiveBack(Slot, Block))                         // cache full or swapped out
        ExReleaseRundownProtection(&Block->RundownProtect);
}

VOID UnregisterCallback(EX_FAST_REF *Slot)                      // thread Unreg
{
    CALLBACK_BLOCK *Block;
    ULONG Cached = ExFastRefSwapOut(Slot, &Block);
    ExReleaseRundownProtectionEx(&Block->RundownProtect, Cached + 1);   // credits + the slot's own
    ExWaitForRundownProtectionRelease(&Block->RundownProtect);          // callers still hold some
}

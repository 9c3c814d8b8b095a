// A reference held for a map's whole life, waited on by two teardown paths.
typedef struct _MAP { EX_RUNDOWN_REF Provider; /* ... */ } MAP;

VOID MapCreate(MAP *Map)                                        // thread Create
{
    ExInitializeRundownProtection(&Map->Provider);
    (void)ExAcquireRundownProtection(&Map->Provider);            // held until the map is deleted
}

VOID ProviderDetach(MAP *Map)                                   // thread Detach
{
    ExWaitForRundownProtectionRelease(&Map->Provider);           // may block until the delete
}

VOID MapDelete(MAP *Map)                                        // thread Delete
{
    ExReleaseRundownProtection(&Map->Provider);
    // The detach's wait may have blocked, leaving a stale word: mark it completed, or the
    // second wait below hangs on real Windows.
    ExRundownCompleted(&Map->Provider);
    ExWaitForRundownProtectionRelease(&Map->Provider);           // returns at once
}

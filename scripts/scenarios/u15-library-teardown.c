// Nested rundowns in a library's shutdown, with destructors that wait again.
typedef struct _POOL     { EX_RUNDOWN_REF Owner; } POOL;
typedef struct _LISTENER { EX_RUNDOWN_REF Rundown; } LISTENER;

BOOLEAN Enqueue(POOL *Pool, WORK *Work)                         // thread Pool
{
    if (!ExAcquireRundownProtection(&Pool->Owner))
        return FALSE;                                            // shutting down: bail out
    RunWork(Work);
    ExReleaseRundownProtection(&Pool->Owner);
    return TRUE;
}

VOID Notify(LISTENER *L, EVENT *E)                              // thread Listener
{
    if (!ExAcquireRundownProtection(&L->Rundown))
        return;
    Deliver(L, E);
    ExReleaseRundownProtection(&L->Rundown);
}

VOID Shutdown(POOL *Pool, LISTENER *L)                          // thread Shutdown
{
    ExWaitForRundownProtectionRelease(&Pool->Owner);
    ExWaitForRundownProtectionRelease(&L->Rundown);
    ExRundownCompleted(&Pool->Owner);                            // later waits become no-ops
    ExRundownCompleted(&L->Rundown);
}

VOID Destroy(POOL *Pool, LISTENER *L)                           // destructors wait again
{
    ExWaitForRundownProtectionRelease(&Pool->Owner);
    ExWaitForRundownProtectionRelease(&L->Rundown);
}

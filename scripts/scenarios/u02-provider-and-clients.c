// A provider whose reference counts attached clients; each client has its own reference.
typedef struct _PROVIDER { EX_RUNDOWN_REF Clients; KSPIN_LOCK Lock; } PROVIDER;
typedef struct _CLIENT   { EX_RUNDOWN_REF Invocations; PROVIDER *Provider; } CLIENT;

NTSTATUS ProviderAttachClient(PROVIDER *P, CLIENT *C)           // thread Nmr
{
    if (!ExAcquireRundownProtection(&P->Clients))
        return STATUS_DEVICE_NOT_READY;                          // provider unloading
    C->Provider = P;
    ExInitializeRundownProtection(&C->Invocations);
    return STATUS_SUCCESS;
}

VOID ProviderInvokeClient(CLIENT *C)                            // thread Dpc, DISPATCH_LEVEL
{
    if (!ExAcquireRundownProtection(&C->Invocations))            // CLIENT is nonpaged
        return;
    ClientNotify(C);
    ExReleaseRundownProtection(&C->Invocations);
}

VOID ProviderDetachClient(CLIENT *C)                            // thread Nmr
{
    ExWaitForRundownProtectionRelease(&C->Invocations);
    ExReleaseRundownProtection(&C->Provider->Clients);
}

VOID ProviderUnload(PROVIDER *P)                                // thread Unload
{
    ExWaitForRundownProtectionRelease(&P->Clients);              // until every client detached
}

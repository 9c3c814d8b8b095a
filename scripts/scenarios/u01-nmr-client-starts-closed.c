// An NMR client whose binding to its provider starts closed.
typedef struct _CLIENT {
    EX_RUNDOWN_REF Binding;      // protects ProviderDispatch
    const PROVIDER_DISPATCH *ProviderDispatch;
} CLIENT;

NTSTATUS ClientLoad(CLIENT *Client)                     // thread Load
{
    ExInitializeRundownProtection(&Client->Binding);
    ExWaitForRundownProtectionRelease(&Client->Binding); // closed: no provider yet
    return STATUS_SUCCESS;
}

NTSTATUS ClientAttach(CLIENT *Client, const PROVIDER_DISPATCH *Dispatch)   // thread Attach
{
    Client->ProviderDispatch = Dispatch;
    ExInitializeRundownProtection(&Client->Binding);     // reopen (a plain store of 0)
    return STATUS_SUCCESS;
}

NTSTATUS ClientInvoke(CLIENT *Client, void *Request)    // threads Invoke1, Invoke2
{
    if (!ExAcquireRundownProtection(&Client->Binding))
        return STATUS_DEVICE_NOT_READY;                  // "extension not loaded"
    NTSTATUS status = Client->ProviderDispatch->Invoke(Request);
    ExReleaseRundownProtection(&Client->Binding);
    return status;
}

NTSTATUS ClientDetach(CLIENT *Client)                   // thread Detach
{
    ExWaitForRundownProtectionRelease(&Client->Binding); // waits for invocations in flight
    Client->ProviderDispatch = NULL;
    return STATUS_SUCCESS;
}

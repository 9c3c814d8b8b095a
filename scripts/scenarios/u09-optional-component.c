// A hook into an optional component (a packet monitor) that may register and unload any time.
typedef struct _INTERFACE {
    PEX_RUNDOWN_REF_CACHE_AWARE Monitor;
    BOOLEAN Registered;          // the driver's own flag: wait only when registered
} INTERFACE;

NTSTATUS TrackInterface(INTERFACE *If)                          // thread Track
{
    If->Monitor = ExAllocateCacheAwareRundownProtection(NonPagedPoolNx, 'nMkP');
    if (If->Monitor == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    ExWaitForRundownProtectionReleaseCacheAware(If->Monitor);    // no monitor yet
    return STATUS_SUCCESS;
}

VOID OnMonitorRegistered(INTERFACE *If)                         // thread Track or Monitor
{
    ExReInitializeRundownProtectionCacheAware(If->Monitor);
    If->Registered = TRUE;
}

VOID ReportDrop(INTERFACE *If, DROP_REASON Reason)              // thread Dp
{
    if (!ExAcquireRundownProtectionCacheAware(If->Monitor))
        return;                                                  // no monitor: skip the report
    MonitorReportDrop(Reason);
    ExReleaseRundownProtectionCacheAware(If->Monitor);
}

VOID OnMonitorUnloading(INTERFACE *If)                          // thread Monitor
{
    ExWaitForRundownProtectionReleaseCacheAware(If->Monitor);
    If->Registered = FALSE;
}

VOID UntrackInterface(INTERFACE *If)                            // thread Track
{
    if (If->Registered)                                          // a second wait would hang
        ExWaitForRundownProtectionReleaseCacheAware(If->Monitor);
    ExFreeCacheAwareRundownProtection(If->Monitor);
}

// A global guard closed at compile time: acquires fail until the driver starts.
static EX_RUNDOWN_REF Guard = { .Count = EX_RUNDOWN_ACTIVE };

VOID DriverStart(void)                                          // thread Start
{
    ExReInitializeRundownProtection(&Guard);                     // open it
}

NTSTATUS CreateTimer(TIMER **Out)                               // thread Create
{
    if (!ExAcquireRundownProtection(&Guard))
        return STATUS_DEVICE_NOT_READY;                          // not started, or stopping
    *Out = AllocateTimer();
    return STATUS_SUCCESS;
}

VOID TimerFinalDereference(TIMER *Timer)                        // thread Timer
{
    FreeTimer(Timer);
    ExReleaseRundownProtection(&Guard);
}

VOID DriverStop(void)                                           // thread Stop
{
    ExWaitForRundownProtectionRelease(&Guard);                   // every timer gone
}

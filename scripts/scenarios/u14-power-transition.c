// Holding off a power-down: a window in which callers may stop the device from going idle.
typedef struct _DEVICE_CONTEXT { EX_RUNDOWN_REF StopIdle; } DEVICE_CONTEXT;

VOID DeviceCreate(DEVICE_CONTEXT *D)                            // thread Ctor
{
    ExInitializeRundownProtection(&D->StopIdle);
    ExWaitForRundownProtectionRelease(&D->StopIdle);             // closed in low power
}

NTSTATUS EvtDeviceSelfManagedIoSuspend(DEVICE_CONTEXT *D)       // thread Power
{
    ExReInitializeRundownProtection(&D->StopIdle);               // the window opens
    return STATUS_SUCCESS;
}

NTSTATUS StopIdle(WDFDEVICE Device, DEVICE_CONTEXT *D)          // threads StopIdle1, StopIdle2
{
    if (ExAcquireRundownProtection(&D->StopIdle))
        return STATUS_SUCCESS;                                   // holds the power-down off
    return WdfDeviceStopIdle(Device, TRUE);                      // fall back to the framework
}

VOID ResumeIdle(DEVICE_CONTEXT *D)
{
    ExReleaseRundownProtection(&D->StopIdle);
}

NTSTATUS EvtDeviceD0Exit(DEVICE_CONTEXT *D)                     // thread Power
{
    ExWaitForRundownProtectionRelease(&D->StopIdle);             // until every holder resumed
    return STATUS_SUCCESS;
}

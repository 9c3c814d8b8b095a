// Operations on another process hold its rundown; the exiting thread waits for them.
typedef struct _EPROCESS_LIKE { EX_RUNDOWN_REF RundownProtect; /* ... */ } EPROCESS_LIKE;

NTSTATUS OperateOnProcess(EPROCESS_LIKE *Process)               // threads Other1, Other2
{
    if (!ExAcquireRundownProtection(&Process->RundownProtect))
        return STATUS_PROCESS_IS_TERMINATING;
    NTSTATUS status = AttachAndWork(Process);
    ExReleaseRundownProtection(&Process->RundownProtect);        // on the error path too
    return status;
}

VOID ProcessLastThreadExit(EPROCESS_LIKE *Process)              // thread Exit
{
    ExWaitForRundownProtectionRelease(&Process->RundownProtect);
    ExRundownCompleted(&Process->RundownProtect);
    DestroyHandleTableAndAddressSpace(Process);
}

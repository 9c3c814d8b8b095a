// A detach completed by a work item: the waiter is not the thread that started the teardown.
typedef struct _CLIENT { EX_RUNDOWN_REF Rundown; PIO_WORKITEM DetachItem; } CLIENT;

VOID Classify(CLIENT *Client, NET_BUFFER_LIST *Packet)          // thread Classify
{
    if (!ExAcquireRundownProtection(&Client->Rundown))
        return;                                                  // detaching: not classified
    ClassifyPacket(Client, Packet);
    ExReleaseRundownProtection(&Client->Rundown);
}

NTSTATUS ClientDetach(CLIENT *Client)                           // thread Detach
{
    IoQueueWorkItem(Client->DetachItem, DetachWorker, DelayedWorkQueue, Client);
    return STATUS_PENDING;                                       // no call on Rundown here
}

VOID DetachWorker(PDEVICE_OBJECT Device, PVOID Context)         // thread WorkItem
{
    CLIENT *Client = Context;
    ExWaitForRundownProtectionRelease(&Client->Rundown);
    ExRundownCompleted(&Client->Rundown);
    NmrClientDetachProviderComplete(Client->BindingHandle);
}

// Objects, not threads, hold the references: one per live object, released at its last free.
static EX_RUNDOWN_REF ObjectTracking;

NTSTATUS CreateObject(OBJECT **Out)                             // thread Create
{
    (void)ExAcquireRundownProtection(&ObjectTracking);          // never FALSE before terminate
    *Out = AllocateObject();
    return STATUS_SUCCESS;
}

VOID ObjectFinalFree(OBJECT *Object)                            // thread Epoch, seconds later
{
    FreeObject(Object);
    ExReleaseRundownProtection(&ObjectTracking);
}

VOID Terminate(void)                                            // thread Term
{
    ExWaitForRundownProtectionRelease(&ObjectTracking);          // every object freed
    DestroyIdTable();
}

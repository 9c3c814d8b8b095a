// Every work item holds a reference until whoever finishes it (cancel or run) frees it.
static EX_RUNDOWN_REF WorkItemRundown;

WORK_ITEM *AllocateWorkItem(void)                               // thread Alloc
{
    if (!ExAcquireRundownProtection(&WorkItemRundown))
        return NULL;                                             // terminating
    WORK_ITEM *Item = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof *Item, 'ItkW');
    if (Item == NULL)
        ExReleaseRundownProtection(&WorkItemRundown);            // the error path releases too
    return Item;
}

VOID FreeWorkItem(WORK_ITEM *Item)           // thread Alloc (cancel) or Worker (after running)
{
    ExFreePoolWithTag(Item, 'ItkW');
    ExReleaseRundownProtection(&WorkItemRundown);                // another thread's acquire
}

VOID Terminate(void)                                            // thread Terminate
{
    ExWaitForRundownProtectionRelease(&WorkItemRundown);         // every item freed
    FreePerProcessorTables();
}

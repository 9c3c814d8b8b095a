// The words behind each code: `.help CODE`, grammar.md and `rdsh doc` all read them from here.

extension DiagnosticCode {
    /// One line: what went wrong, in the user's terms.
    public var summary: String {
        switch self {
        case .releaseWithoutAcquire:
            "a release gives back more references than are outstanding"
        case .releaseAfterRundown:
            "a release on an object that is already run down (completed or stale)"
        case .reinitWithoutRundown:
            "ExReInitialize... on an object that was never run down"
        case .reinitWhileWaiting:
            "ExReInitialize... while a thread is blocked waiting on the object"
        case .completedWithoutWait:
            "ExRundownCompleted... on an object that was never run down"
        case .completedWhileWaiting:
            "ExRundownCompleted... while a thread is still blocked in the wait"
        case .concurrentWait:
            "a second wait while another thread is blocked waiting on the same object"
        case .waitAfterRundown:
            "a second cache-aware wait before ExReInitializeRundownProtectionCacheAware"
        case .waitOnStale:
            "a plain wait on a stale word: returns at once here, hangs on real Windows"
        case .waitWhileHolding:
            "the waiting thread itself holds references on the object it runs down"
        case .initWhileInUse:
            "Initialize on an object with outstanding references or a blocked waiter"
        case .countOutOfRange:
            "a Count outside 1...0x7FFFFFFF (or 0 while a rundown is in progress)"
        case .irqlTooHigh:
            "the calling thread's IRQL is above the routine's documented maximum"
        case .wrongKind:
            "a plain routine on a cache-aware object, or the reverse"
        case .freeNotAllocated:
            "ExFreeCacheAwareRundownProtection on an object that Allocate did not return"
        case .freeWhileInUse:
            "ExFreeCacheAwareRundownProtection while references are outstanding or a waiter is blocked"
        case .useAfterFree:
            "a routine called on a cache-aware object that was already freed"
        case .sizeMismatch:
            "ExInitializeRundownProtectionCacheAware with a size that is not ExSizeOfRundownProtectionCacheAware's value"
        case .nullHandle:
            "a handle bound to a failed allocation (NULL) was used"
        case .poolLeak:
            "a cache-aware allocation was never freed (end-of-script report)"
        case .deadlock:
            "a thread is still blocked at the end of the script (end-of-script report)"
        case .threadBlocked:
            "a command was sent to a thread that is blocked in a wait"
        case .watchdog:
            "a thread neither finished its command nor parked in a known wait in time"
        case .threadLimit:
            "a script names more threads than one session runs (10000)"
        case .unknownHandle:
            "a name that is not a declared, initialized or bound handle"
        case .unknownThread:
            "a thread name that differs from an existing thread only in case"
        case .unknownRoutine:
            "a command word that is not one of the 19 documented routines"
        case .unknownDirective:
            "a `.word` that is not one of rdsh's directives"
        case .syntax:
            "the line does not have the shape of any command form"
        case .badArgument:
            "an argument of the wrong kind or with an invalid value"
        case .readFailed:
            "a script file cannot be read (missing, unreadable, .read cycle, nesting too deep, too many lines read)"
        case .handleRebound:
            "NAME = ... rebinds a name that still holds an object, which is lost"
        case .noSuchProcessor:
            ".cpu names a processor beyond the session's processor count"
        case .recordFailed:
            "the REPL's .record cannot write its file, or the file exists and -f was not given"
        case .encoding:
            "a line is not valid UTF-8, or the file is binary"
        case .lineTooLong:
            "a line is longer than 4096 bytes"
        case .parUnmatchedEnd:
            "`.end` without an open `.par` block"
        case .parUnterminated:
            "a `.par` block still open at the end of the script"
        case .parNested:
            "a `.par` inside a `.par` block"
        case .parThreadRequired:
            "a call inside a `.par` block without its thread prefix"
        case .parRebind:
            "a name bound twice inside one `.par` block"
        case .parDirective:
            "a directive other than `.cpu` and `.end` inside a `.par` block"
        case .badGuard:
            "`if NAME` on a name that is not a boolean binding"
        case .badSchedule:
            "a `schedule=` that is malformed or names a step that is not enabled"
        case .stressOutcome:
            "`rdsh stress` observed an outcome that exploration of the block does not allow"
        case .badBudget:
            "a `budget=` that is not a number of schedules in range"
        case .badGranularity:
            "a `granularity=` other than `call` or `atomic`"
        case .badPreemptions:
            "a `preemptions=` that is negative or not a number in range"
        }
    }

    /// A paragraph: what the code means, what real Windows does in that case, and how to fix it.
    public var explanation: String {
        switch self {
        case .releaseWithoutAcquire:
            """
            A release (plain, Ex, cache-aware) asks to give back more references than are \
            outstanding on the object. References belong to no thread: any thread may release \
            what another acquired, so the check counts every thread's successful acquires; the \
            ledger in the notes says who holds what. rdsh does not run the call and the object \
            keeps its count. Real Windows does not notice: on a live plain reference the word \
            wraps to a huge even number (checked builds assert only on uniprocessors), later \
            acquires still succeed, and the next ExWaitForRundownProtectionRelease never returns; \
            during a rundown the waiter's private count skips past zero and the waiter hangs \
            forever. Fix: release exactly what a successful acquire (TRUE) granted, never after an \
            acquire that returned FALSE, and give an Ex acquire's Count back with the matching Ex \
            release.
            """
        case .releaseAfterRundown:
            """
            A release on an object whose wait has already finished: the word is completed \
            (exactly EX_RUNDOWN_ACTIVE) or stale (it still points at the returned waiter's wait \
            block). No reference can be outstanding then, so the release has nothing to give \
            back. rdsh does not run it. Real Windows: on a completed word the release uses \
            address 0 as the wait block and bugchecks (a modern cache-aware release instead \
            retries on slot 0 forever); on a stale word it decrements a count inside the \
            waiter's vanished stack frame, silent stack corruption that may even signal garbage \
            as an event. Fix: every release must happen before the wait returns; a late release \
            usually means its acquire returned FALSE or was already released on another path.
            """
        case .reinitWithoutRundown:
            """
            ExReInitializeRundownProtection or ExReInitializeRundownProtectionCacheAware on an \
            object that is live: it was never run down, or it was already reinitialized. The \
            routine requires a preceding wait (bit 0 of the word set; ExRundownCompleted in \
            between is optional). rdsh does not run it. Real Windows: checked builds assert; \
            free builds store 0, so the holders' later releases underflow the fresh count and \
            the next wait hangs. Fix: run the object down with ExWaitForRundownProtectionRelease \
            first, or use ExInitializeRundownProtection for an object nobody uses yet.
            """
        case .reinitWhileWaiting:
            """
            ExReInitialize... while another thread is blocked in the wait on the same object. \
            rdsh does not run it. Real Windows: the exchange to 0 throws away the waiter's wait \
            block address, so the waiter is never signalled and hangs, and the outstanding \
            holders' releases underflow the fresh count. Fix: reinitialize only after the wait \
            has returned, normally on the thread that waited.
            """
        case .completedWithoutWait:
            """
            ExRundownCompleted or ExRundownCompletedCacheAware on a live object. The \
            documentation says the call must be preceded by the wait. rdsh does not run it. Real \
            Windows: checked builds assert; free builds set the word to EX_RUNDOWN_ACTIVE, a \
            rundown that never waited, and every outstanding holder's release then uses address \
            0 as the wait block and bugchecks. Fix: call ExWaitForRundownProtectionRelease first; \
            ExRundownCompleted only tidies up after it.
            """
        case .completedWhileWaiting:
            """
            ExRundownCompleted... while another thread is still blocked in the wait on the same \
            object. rdsh does not run it. Real Windows: the exchange throws the waiter's block \
            address away, the waiter hangs forever, and each holder's release then follows \
            address 0 and bugchecks. Fix: call it after the wait has returned, on the thread \
            that waited.
            """
        case .concurrentWait:
            """
            A wait on an object while another thread is already blocked waiting on it. Only one \
            thread may run an object down. rdsh does not run the second wait. Real Windows: the \
            second waiter reads the first waiter's block address as a holder count, installs its \
            own block and captures every later release, so both threads hang (checked builds \
            assert only if the clash shows up inside the retry loop). Fix: make exactly one \
            teardown path own the wait, for example with an interlocked "unloading" flag.
            """
        case .waitAfterRundown:
            """
            A second ExWaitForRundownProtectionReleaseCacheAware before the object was \
            reinitialized (its slots are stale or completed). The documentation promises that a \
            wait on an already run-down object returns at once, but the cache-aware code has no \
            such check: it adds the marked slots up as holders, and on a multiprocessor it \
            blocks forever (checked builds assert). rdsh refuses the call. Fix: wait once; to \
            use the object again, call ExReInitializeRundownProtectionCacheAware first.
            """
        case .waitOnStale:
            """
            Warning. A plain ExWaitForRundownProtectionRelease on a stale word: an earlier wait \
            had to wait (or loop) and returned, and neither ExRundownCompleted nor \
            ExReInitializeRundownProtection ran since. rdsh follows the documentation and \
            returns at once, but the real kernel short-cuts only a word that is exactly \
            EX_RUNDOWN_ACTIVE: it reads the dead wait block's address as a count and hangs. Fix: \
            call ExRundownCompleted after the first wait (that is what it is for); later waits \
            are then genuine no-ops.
            """
        case .waitWhileHolding:
            """
            Warning. The waiting thread itself holds references on the object it is running \
            down, according to the ledger. Unless another thread releases them, the wait waits \
            for itself. rdsh runs the wait anyway, because references belong to no thread and \
            another thread may still release them; if nobody does, the end-of-script DEADLOCK \
            report names the holder. Real Windows: a self-deadlock that nothing detects. Fix: \
            release your own protection before you wait, for example by not running teardown \
            from inside a callback that runs under the protection.
            """
        case .initWhileInUse:
            """
            ExInitializeRundownProtection, or ExInitializeRundownProtectionCacheAware on storage \
            already in use, while references are outstanding or a waiter is blocked. rdsh does \
            not run it. Real Windows: Initialize is a plain store of 0; it forgets the holders \
            (their releases underflow later) and loses the waiter, which hangs. Initializing an \
            idle, completed or stale reference is tolerated. Fix: initialize once before the \
            object is published; to reuse an object, wait and then ExReInitialize.
            """
        case .countOutOfRange:
            """
            A Count that the routines cannot handle: a literal that does not fit a ULONG, a \
            value above 0x7FFFFFFF, or 0 while a rundown is in progress. The routines compute \
            2*Count in 32-bit arithmetic, so Count 0x80000000 wraps to 0: \
            ExAcquireRundownProtectionEx adds nothing yet returns TRUE. A ReleaseEx of 0 during \
            a rundown passes the "was the count equal to Count" test and signals the waiter \
            again, possibly after it returned. rdsh does not run the call. Count 0 on a live \
            object changes nothing and is accepted. Fix: keep 1 <= Count <= 0x7FFFFFFF and \
            release exactly what was acquired.
            """
        case .irqlTooHigh:
            """
            The thread's IRQL (set with .irql) is above the maximum documented for the routine: \
            APC_LEVEL for initialize, reinitialize, wait, completed and the cache-aware \
            allocate, size, initialize and free; DISPATCH_LEVEL for acquire and release (only \
            when the reference lives in non-paged memory). rdsh does not run the call. Real \
            Windows: a wait at DISPATCH_LEVEL cannot block and the kernel bugchecks \
            (IRQL_NOT_LESS_OR_EQUAL), paged code touched at DISPATCH_LEVEL page-faults fatally, \
            and Driver Verifier reports the violation. Fix: lower the IRQL (.irql T \
            PASSIVE_LEVEL), or defer the work to a worker thread.
            """
        case .wrongKind:
            """
            A routine of one family on an object of the other: a plain routine on a cache-aware \
            object, a cache-aware routine on a plain EX_RUNDOWN_REF, or a handle where a number \
            was bound. rdsh does not run it. Real Windows: the C types differ, but a cast hides \
            it and the routine then treats the header's slot pointer as a rundown word (or a \
            word as a header), corrupting memory. Fix: use the routine family that matches how \
            the object was created.
            """
        case .freeNotAllocated:
            """
            ExFreeCacheAwareRundownProtection on an object that ExAllocateCacheAwareRundownProtection \
            did not return: it was laid out in caller storage by \
            ExInitializeRundownProtectionCacheAware. rdsh does not run it. Real Windows: checked \
            builds assert that PoolToFree is not the sentinel 0x0BADCA11; free builds hand the \
            sentinel to the pool allocator, which bugchecks. Fix: free only what Allocate \
            returned; caller storage goes back through whoever allocated it.
            """
        case .freeWhileInUse:
            """
            ExFreeCacheAwareRundownProtection while references are outstanding or a waiter is \
            blocked. rdsh does not run it. Real Windows: the holders and the waiter go on using \
            freed pool; the usual symptom is a page fault inside a later acquire or release, or \
            pool corruption once the memory is reused. Fix: run the object down with \
            ExWaitForRundownProtectionReleaseCacheAware first, then free it.
            """
        case .useAfterFree:
            """
            A routine called on a cache-aware object after ExFreeCacheAwareRundownProtection, \
            including a second free. rdsh does not run it. Real Windows: the routine reads and \
            writes freed pool; a double free bugchecks in the pool allocator (BAD_POOL_CALLER), \
            other uses corrupt whatever now lives there or fault. Fix: forget the handle once it \
            is freed, and free only after the final wait.
            """
        case .sizeMismatch:
            """
            ExInitializeRundownProtectionCacheAware with a size that is not exactly what \
            ExSizeOfRundownProtectionCacheAware returns for the current processor count (344 \
            bytes with the default 4 processors). rdsh does not run it. Real Windows derives the \
            slot count from the size with unsigned 32-bit arithmetic: a size between H+A and \
            H+2A gives 0 slots, and the first acquire divides by zero and bugchecks; a smaller \
            size wraps the slot count to 0xFFFFFFFF and the zeroing loop writes far past the \
            buffer. Fix: n = ExSizeOfRundownProtectionCacheAware, then pass n.
            """
        case .nullHandle:
            """
            A handle bound to an allocation that failed (it printed NULL, for example after \
            .fault alloc) is passed to a routine. rdsh does not run the call. Real Windows: the \
            routine dereferences a NULL pointer and the machine bugchecks. Fix: test the result \
            of ExAllocateCacheAwareRundownProtection and take the failure path when it is NULL.
            """
        case .poolLeak:
            """
            Warning, reported at the end of a script: a cache-aware object from \
            ExAllocateCacheAwareRundownProtection was never freed. The report names the handle, \
            the pool tag, the pool type and the bytes. Real Windows: the pool stays charged to \
            the tag until reboot; with Driver Verifier's pool tracking, unloading the driver \
            bugchecks (DRIVER_VERIFIER_DETECTED_VIOLATION). Fix: after the final wait, call \
            ExFreeCacheAwareRundownProtection.
            """
        case .deadlock:
            """
            Reported at the end of a script for every thread still blocked in a wait: it names \
            the object, the outstanding references, who acquired them and on which line. \
            Nothing left in the script can wake the thread. Real Windows: the wait cannot be \
            cancelled and has no timeout, so the thread (typically a driver's unload or remove \
            path) hangs forever. Fix: release every reference a successful acquire granted, on \
            every path, including error paths.
            """
        case .threadBlocked:
            """
            A command was sent to a thread that is blocked in a wait. A blocked thread cannot \
            run anything until a release from another thread wakes it, so rdsh refuses the \
            command instead of queueing it. Fix: release from another thread first (the \
            `[T] returned from` line shows when the thread is free again), or run the command \
            on another thread.
            """
        case .watchdog:
            """
            A thread neither finished its command nor parked in a wait rdsh knows about within \
            the watchdog time (a few seconds). rdsh reports it instead of hanging. It should \
            never happen with the documented routines; it points to a bug in rdsh or an \
            overloaded machine. Please report it with the script.
            """
        case .threadLimit:
            """
            A command names a new thread while the session already has 10000 threads (main \
            included). Every name is a real OS thread that lives until the end of the script; \
            past about ten thousand, creating and waking threads costs more per thread as the \
            kernel's queues grow, so rdsh stops there instead of slowing down without bound. \
            The command does not run. Fix: reuse thread names; a thread can run any number of \
            commands.
            """
        case .unknownHandle:
            """
            A name used as an object that was never created. Objects come from \
            ExInitializeRundownProtection R, EX_RUNDOWN_REF R, C = \
            ExAllocateCacheAwareRundownProtection ..., and ExInitializeRundownProtectionCacheAware \
            C n. Names are case-sensitive. The notes suggest the nearest known name and list the \
            known handles. Fix: create the object first, or correct the spelling.
            """
        case .unknownThread:
            """
            A thread name that is not one of the session's threads where rdsh will not create \
            one. A new name in `T: command`, `.cpu T N` or `.irql T LEVEL` creates the thread, \
            but a name that differs from an existing thread only in case (`w:` after `W:`) is \
            taken as a typo: thread names are case-sensitive, and a silent second thread would \
            change what the script means. Nothing runs. The notes suggest the existing thread \
            and list the known ones. Fix: correct the spelling.
            """
        case .unknownRoutine:
            """
            The first word of a command is not one of the 19 documented routines. Routine names \
            are spelled exactly as in the WDK, including case. The note suggests the nearest \
            routine name. Fix: correct the spelling; `.help` lists the routines.
            """
        case .unknownDirective:
            """
            A word starting with `.` at the start of a line is not one of rdsh's directives \
            (directive names are lower case). Nothing runs. The note suggests the nearest one. \
            Fix: correct the spelling; `.help` lists the directives.
            """
        case .syntax:
            """
            The line does not have the shape of any command form: missing or extra arguments \
            (the note shows the routine's usage), an unterminated quote, a binding of a routine \
            that returns nothing, ExAllocateCacheAwareRundownProtection used without binding \
            its result, a thread prefix on something other than a routine call, or a stray \
            token. The caret points at the offending token. Fix: follow the usage in the note; \
            grammar.md lists every form.
            """
        case .badArgument:
            """
            An argument has the wrong kind or an invalid value: a number where a handle name is \
            expected, a pool type other than NonPagedPool, NonPagedPoolNx or PagedPool, a pool \
            tag that is not exactly four characters (or an integer that fits 32 bits), a \
            directive argument that is not one of the allowed words (on, off, an IRQL name), a \
            size or processor number out of range. The caret points at the argument. Fix: see \
            the usage in the note.
            """
        case .readFailed:
            """
            A script cannot be read: the file does not exist or cannot be opened (a symbolic \
            link loop is named as such), a `.read` includes a file that is already being read \
            (a cycle), `.read` nests deeper than 16 files, or the script has already run 100000 \
            lines from `.read` files (nested reads multiply, so a fan-out of a few files each \
            read ten times grows without end). Nothing of that file runs; when the line limit \
            is reached inside a file, the rest of every `.read` file is skipped and the `.read` \
            that was running reports it. Fix: correct the path (a `.read` path is relative to \
            the including file), break the cycle, or read shared setup once.
            """
        case .handleRebound:
            """
            Warning. A binding `NAME = ...` gives NAME a new value while NAME still holds a \
            plain or cache-aware reference that was not freed. The call runs and NAME names its \
            result from then on; the old object is no longer reachable from the script. For an \
            allocation that means it can never be freed (the end of the script reports \
            POOL_LEAK); for a reference in use, nobody can run it down any more. Real Windows: \
            overwriting the only pointer to a pool block leaks it until reboot, and a driver that \
            loses the pointer to a rundown reference it still protects cannot wait for it at \
            unload. Fix: bind the new object to a new name, or free (or run down) the old one \
            first.
            """
        case .noSuchProcessor:
            """
            Warning. `.cpu T N` with N at or beyond the session's processor count (`.processors`, \
            4 by default): that processor does not exist on the machine the session models. \
            rdsh accepts it, because objects created before a `.processors` change, or laid \
            out for more processors, have more slots: a cache-aware acquire or release uses \
            slot N mod the object's slot count, and the note says which slot that is for the \
            current processor count. Real Windows never runs a thread on a processor that does \
            not exist. Fix: use a processor below the processor count, or raise it with \
            `.processors` first.
            """
        case .recordFailed:
            """
            `.record FILE` in the REPL cannot record to FILE: the file already exists (rdsh \
            never overwrites a file silently; `.record -f FILE` does), or it cannot be created \
            or written (a missing folder, no permission, a full disk). Nothing was written and \
            no recording is on. Fix: choose another name, or add -f to replace the file.
            """
        case .encoding:
            """
            A line contains bytes that are not valid UTF-8; the line is not run (the caret \
            points at the first bad byte). A file that contains NUL bytes is treated as binary \
            and refused as a whole. Fix: save the script as UTF-8 text.
            """
        case .lineTooLong:
            """
            A line is longer than 4096 bytes. It is not run. No command comes close to that \
            length, so such a line is almost always a wrong file or missing line breaks. Fix: \
            split the line.
            """
        case .parUnmatchedEnd:
            "`.end` closes a `.par` block, but no block is open: the lines before it already ran one by one, in written order. Nothing else runs. Fix: add the `.par` line that opens the block, or delete the stray `.end`."
        case .parUnterminated:
            "A `.par` block was opened and the script ended before its `.end`. Its lines were collected but never run, and the block is not explored: the diagnostic points at the `.par` line. Fix: close it with `.end` after the threads' last line."
        case .parNested:
            "Blocks do not nest: every thread's lines of one race belong to one block. The inner `.par` is ignored. Fix: close the first block with `.end` before opening another."
        case .parThreadRequired:
            "Inside a `.par` block every routine call names the thread it runs on, `main:` included, so that each line belongs to exactly one thread's sequence. The line is not part of the block. Fix: write `T: Routine args...`."
        case .parRebind:
            "A binding can be made only once inside a block: an outcome lists each binding once, and a guard must know which call made it. The second line is not part of the block. Fix: use another name."
        case .parDirective:
            "Only `.cpu T N` (part of thread T's sequence) and `.end` may appear inside a `.par` block; other directives would run outside every thread. The line is not part of the block. Fix: move the directive before `.par` or after `.end`."
        case .badGuard:
            "`T: if NAME Routine ...` runs the call only when the boolean binding NAME is TRUE (`if !NAME`: when it is FALSE). NAME must be bound by a routine that returns BOOLEAN (an acquire), earlier in the block or before it. Inside a block a binding that was never made, because its call was refused, counts as false. The line does not run. Fix: bind the acquire's result first: `A: ok = ExAcquireRundownProtection R`."
        case .badSchedule:
            "`.par schedule=\"A.1 W.1 ...\"` replays exactly one schedule: each step is THREAD.N, thread THREAD's N-th step. A malformed step, a thread that has no such step, or a step that is not enabled at that point is refused; the message names the steps that were enabled instead. Fix: copy the witness of an outcome line."
        case .stressOutcome:
            "`rdsh stress` ran a `.par` block on free-running threads and one run ended in an outcome that is not in the block's explored outcome table (compared on what a free run can observe: bindings, handle states, holders and slots, blocked threads, and the library's refusals). The message gives the outcome and the run number. Either the implementation does something the API model does not allow (a bug in `Sources/Rundown`), or the exploration missed it (a bug in the explorer, or a budget too small to be exhaustive). Fix: run `rdsh explore` on the block and compare; report it with the script."
        case .badBudget:
            "`.par budget=N` sets the most schedules explored; N goes from 1 to 10000000. Past the budget rdsh samples seeded random schedules and says `not exhaustive`. Fix: give a number in range."
        case .badGranularity:
            "`.par granularity=call` (the default) makes each routine call one step, with the documented step points inside the cache-aware sweeps; `granularity=atomic` makes every atomic operation of rdsh's own library a step (each load, compare-and-swap, exchange, add and store on a word, slot or wait block, and each futex wait and wake), to check the implementation itself. Any other value is refused and the block is not explored. Fix: write `granularity=atomic` or leave the option out."
        case .badPreemptions:
            "`.par preemptions=K` bounds the preemptions of a `granularity=atomic` exploration: switches away from a thread that stopped inside a call while it could still go on (switches between calls, and away from a blocked thread, are free). K goes from 0 to 100; the default is 2, which finds most bugs (CHESS, loom). A negative or non-numeric K is refused and the block is not explored. Fix: give a number in range."
        }
    }
}

import RundownRuntime
import Testing

@_spi(Testing) @testable import RundownRuntime

/// The contract check of a line may read the word the previous line's thread left
/// (``SettledWord``) instead of the object, and only where that word is the object's word.
/// Each case says what the check must decide, and whether it took the settled word: a wrong
/// word changes a verdict, and a rule too loose or too strict changes the count.
@Suite(.timeLimit(.minutes(1))) struct SettledWordTests {
    @Test func consecutiveCallsAreCheckedFromTheWordTheThreadLeft() {
        let (lines, session, _) = transcript(
            """
            ExInitializeRundownProtection R
            ExAcquireRundownProtectionEx R 2
            ExReleaseRundownProtection R
            ExReleaseRundownProtectionEx R 2
            ExReleaseRundownProtection R
            ExReleaseRundownProtection R
            """)
        // 2 holders, 1 released: a release of 2 finds only 1 (the word after the first
        // release, not the one after the acquire); then 1 is released, and none is left.
        #expect(codes(lines) == ["RELEASE_WITHOUT_ACQUIRE", "RELEASE_WITHOUT_ACQUIRE"])
        #expect(lines.contains { $0.contains("which has only 1 holder") })
        #expect(lines.contains { $0.contains("which has no holders") })
        // Every release's check but the one after the refused call, which ran nothing.
        #expect(session.settledWordsUsed == 3)
    }

    @Test func anotherThreadsCallCountsWhenItHasSettled() {
        let (lines, session, _) = transcript(
            """
            ExInitializeRundownProtection R
            T: ExAcquireRundownProtection R
            ExReleaseRundownProtection R
            T: ExReleaseRundownProtection R
            U: ExReleaseRundownProtection R
            """)
        #expect(codes(lines) == ["RELEASE_WITHOUT_ACQUIRE", "RELEASE_WITHOUT_ACQUIRE"])
        // main's and T's releases; U is a new thread, a new name, so its check reads R.
        #expect(session.settledWordsUsed == 2)
    }

    @Test func aLineBetweenOrAnotherObjectReadsTheObject() {
        let (lines, session, _) = transcript(
            """
            ExInitializeRundownProtection R
            ExInitializeRundownProtection S
            ExAcquireRundownProtection R
            # a comment is a line too
            ExReleaseRundownProtection R
            ExAcquireRundownProtection R
            ExReleaseRundownProtection S
            ExAcquireRundownProtection R
            .show R
            ExReleaseRundownProtection R
            """)
        #expect(codes(lines) == ["RELEASE_WITHOUT_ACQUIRE"])
        #expect(lines.contains { $0.contains("S, which has no holders") })
        #expect(session.settledWordsUsed == 0)
    }

    @Test func aWaiterOrARundownMakesTheCheckReadTheObject() {
        let (lines, session, _) = transcript(
            """
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            W: ExWaitForRundownProtectionRelease R
            ExReleaseRundownProtection R
            ExReleaseRundownProtection R
            """)
        // The wait blocks (no word is kept), the release wakes W (the word is not live), and
        // the last release comes after the rundown.
        #expect(codes(lines) == ["RELEASE_AFTER_RUNDOWN"])
        #expect(session.settledWordsUsed == 0)
    }

    @Test func aCallsOwnBindingKeepsTheWord() {
        let (lines, session, _) = transcript(
            """
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            ok = ExAcquireRundownProtection R
            ExReleaseRundownProtectionEx R 2
            ExReleaseRundownProtection R
            """)
        // The word is kept after the call's own binding (`ok = `), so both releases use it.
        #expect(codes(lines) == ["RELEASE_WITHOUT_ACQUIRE"])
        #expect(session.settledWordsUsed == 2)
    }
}

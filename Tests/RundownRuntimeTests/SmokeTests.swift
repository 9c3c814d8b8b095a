import RundownRuntime
import Testing

@Suite struct SmokeTests {
    @Test func acquireReleaseOnMain() {
        let (lines, session, _) = transcript(
            """
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            ExAcquireRundownProtectionEx R 2
            .show R
            ExReleaseRundownProtectionEx R 3
            ExWaitForRundownProtectionRelease R
            ExAcquireRundownProtection R
            """)
        #expect(lines == ["TRUE", "TRUE", "R: state=live holders=3", "FALSE"])
        #expect(session.errorCount == 0)
    }

    @Test func blockAndWake() {
        let (lines, session, _) = transcript(
            """
            EX_RUNDOWN_REF Dev
            Reader: ExAcquireRundownProtection Dev
            Unload: ExWaitForRundownProtectionRelease Dev
            Reader: ExAcquireRundownProtection Dev
            Reader: ExReleaseRundownProtection Dev
            .show Dev
            """)
        print(lines)
        #expect(lines[0] == "TRUE")
        #expect(lines[1] == "[Unload] blocked in ExWaitForRundownProtectionRelease Dev")
        #expect(lines[3] == "FALSE")
        #expect(lines[4] == "[Unload] returned from ExWaitForRundownProtectionRelease Dev")
        #expect(session.errorCount == 0)
    }
}

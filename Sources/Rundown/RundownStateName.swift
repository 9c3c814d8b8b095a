/// The state of a run-down reference, named after the specification's state machine (§4).
///
/// `live` is L(n)/CL(n); `waiting` is W(n)/CW(n); `stale` is S/CS (the wait returned, the word
/// still points at its wait block); `completed` is C/CC (word exactly 1); `sweeping` is CSw (a
/// cache-aware wait is marking slots); `freed` is CF.
public enum RundownStateName: String, Sendable, CaseIterable {
    case live, waiting, stale, completed, sweeping, freed
}

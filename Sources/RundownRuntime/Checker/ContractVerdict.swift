import RundownScript

/// The checker's decision: an error means the call is not executed (the object stays as it
/// was); warnings are reported and the call still runs.
struct ContractVerdict {
    var error: Diagnostic?
    var warnings: [Diagnostic] = []

    /// Made where it is returned: a stored `static let` cost a check that it was initialized
    /// and a copy through the value witnesses, half the contract check of a command on `main`.
    static var ok: ContractVerdict { ContractVerdict() }
}

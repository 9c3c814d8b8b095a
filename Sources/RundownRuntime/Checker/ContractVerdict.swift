import RundownScript

/// The checker's decision: an error means the call is not executed (the object stays as it
/// was); warnings are reported and the call still runs.
struct ContractVerdict {
    var error: Diagnostic?
    var warnings: [Diagnostic] = []

    static let ok = ContractVerdict()
}

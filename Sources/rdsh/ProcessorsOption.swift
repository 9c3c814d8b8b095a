import ArgumentParser
import RundownScript

/// `--processors N` of run, explore and stress: the processor count the scripts start with.
enum ProcessorsOption {
    /// Refuses a count `.processors` would refuse too.
    static func validate(_ processors: Int?) throws {
        if let processors, !(1...DirectiveCatalogue.maximumProcessorCount).contains(processors) {
            throw ValidationError("--processors must be 1...\(DirectiveCatalogue.maximumProcessorCount)")
        }
    }
}

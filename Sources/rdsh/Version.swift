/// The version `rdsh --version` prints and the man page carries.
enum Version {
    static let string = "0.1.0"
}

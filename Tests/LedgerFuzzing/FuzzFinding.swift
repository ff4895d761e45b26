/// An invariant that did not hold for some input: what was expected, for the report.
public struct FuzzFinding: Error, Sendable, CustomStringConvertible {
    /// What should have held and did not.
    public let description: String

    /// A finding described for people.
    public init(_ description: String) {
        self.description = description
    }
}

/// Throws a finding unless `condition` holds.
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(FuzzFinding) {
    if !condition { throw FuzzFinding(message()) }
}

/// The bytes as text for a finding, cut short so a report stays readable.
func excerpt(_ bytes: [UInt8]) -> String {
    let text = String(decoding: bytes.prefix(300), as: UTF8.self)
    return bytes.count > 300 ? text + "…" : text
}

/// A JSON object: unique keys kept in the order they were first written, with fast lookup.
///
/// Keys are matched by their exact UTF-8 bytes, as JSON does, rather than by Swift's
/// canonical equivalence: `"é"` written precomposed and decomposed are two different keys.
public struct JSONObject: Sendable, Equatable, Sequence {
    /// One member of the object.
    public typealias Element = (key: String, value: JSONValue)

    /// Above this many members a hash index is kept; below it a scan is quicker.
    private static let indexThreshold = 12

    /// The members in order; internal so the encoder can sort them without copying first.
    private(set) var members: [Element]
    /// Position of each key in `members`, present only once the object is large.
    private var index: [ExactKey: Int]?

    /// An empty object.
    public init() {
        members = []
        index = nil
    }

    /// An empty object with room for `capacity` members.
    init(reservingCapacity capacity: Int) {
        members = []
        members.reserveCapacity(capacity)
        index = nil
    }

    /// An object of these members in order; a later duplicate key replaces the earlier value in place.
    public init(_ pairs: [(String, JSONValue)]) {
        self.init()
        members.reserveCapacity(pairs.count)
        for (key, value) in pairs {
            self[key] = value
        }
    }

    /// The keys, in the order they were first written.
    public var keys: [String] {
        members.map(\.key)
    }

    /// The number of members.
    public var count: Int {
        members.count
    }

    /// Whether the object has no members.
    public var isEmpty: Bool {
        members.isEmpty
    }

    /// The value for `key`; setting `nil` removes the member, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let position = position(of: key) else { return nil }
            return members[position].value
        }
        set {
            let existing = position(of: key)
            switch (existing, newValue) {
            case (let position?, let value?):
                members[position].value = value
            case (let position?, nil):
                members.remove(at: position)
                rebuildIndex()
            case (nil, let value?):
                appendNew(key: key, value: value)
            case (nil, nil):
                break
            }
        }
    }

    /// Iterates over the members in order.
    public func makeIterator() -> IndexingIterator<[Element]> {
        members.makeIterator()
    }

    /// The number of members, so that collecting them allocates once.
    public var underestimatedCount: Int {
        members.count
    }

    /// Equal when both hold the same keys with equal values, whatever their order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for (key, value) in lhs.members {
            guard let other = rhs[key], other == value else { return false }
        }
        return true
    }

    /// Whether `key` is present.
    func contains(_ key: String) -> Bool {
        position(of: key) != nil
    }

    /// Appends a member whose key the caller knows is not present yet.
    mutating func appendNew(key: String, value: JSONValue) {
        members.append((key: key, value: value))
        if index != nil {
            index?[ExactKey(key)] = members.count - 1
        } else if members.count > Self.indexThreshold {
            rebuildIndex()
        }
    }

    /// Where `key` is among the members.
    func position(of key: String) -> Int? {
        if let index {
            return index[ExactKey(key)]
        }
        return members.firstIndex { Self.sameBytes($0.key, key) }
    }

    private mutating func rebuildIndex() {
        guard members.count > Self.indexThreshold else {
            index = nil
            return
        }
        var built: [ExactKey: Int] = [:]
        built.reserveCapacity(members.count)
        for (position, member) in members.enumerated() {
            built[ExactKey(member.key)] = position
        }
        index = built
    }

    /// Whether two strings hold the same UTF-8 bytes.
    static func sameBytes(_ left: String, _ right: String) -> Bool {
        guard left.utf8.count == right.utf8.count else { return false }
        let compared = left.utf8.withContiguousStorageIfAvailable { leftBytes in
            right.utf8.withContiguousStorageIfAvailable { rightBytes in
                leftBytes.elementsEqual(rightBytes)
            }
        }
        if let compared = compared ?? nil {
            return compared
        }
        return left.utf8.elementsEqual(right.utf8)
    }

    /// A string key hashed as Swift does but compared by its bytes, so the index agrees with
    /// `sameBytes`: byte-equal strings are also canonically equal, so their hashes match.
    private struct ExactKey: Hashable, Sendable {
        let text: String

        init(_ text: String) {
            self.text = text
        }

        static func == (lhs: ExactKey, rhs: ExactKey) -> Bool {
            JSONObject.sameBytes(lhs.text, rhs.text)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(text)
        }
    }
}

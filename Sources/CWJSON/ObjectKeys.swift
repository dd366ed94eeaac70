/// The keys of a JSON object in order, shared by every object that has the same keys.
///
/// The records of a page of ConnectWise JSON have the same keys in the same order: the parser
/// gives them one `ObjectKeys`, so that a record costs its values only. No key is made again for
/// each record, the index by key of a wide object is built once per page, and the writer copies
/// each key's encoded bytes (`"summary":`) in one piece. Objects share keys only while they do not
/// change them: a change to keys that are shared copies them first (copy on write), which is why
/// this class can be `Sendable`: what is shared is never changed.
final class ObjectKeys: @unchecked Sendable {
    /// Above this many keys, lookups go through `index` instead of scanning `names`.
    static let indexThreshold = 16
    /// The keys of the empty object (shared, so never changed in place).
    static let empty = ObjectKeys(distinctNames: [])

    private(set) var names: [String]
    private(set) var index: [String: Int]?
    /// Each key as JSON with its colon (`"summary":`), one after another, for keys shared by
    /// many objects (a page's records, a projection's rows); key `i` ends at `encodedEnds[i]`.
    private(set) var encoded: [UInt8]?
    private(set) var encodedEnds: [Int] = []

    /// Keys the caller knows to be distinct.
    init(distinctNames names: [String]) {
        self.names = names
        if names.count > Self.indexThreshold { buildIndex() }
    }

    /// Keys shared by many objects, with their encoded form made here; nil when a key repeats.
    init?(encodingNames names: [String]) {
        var encoded: [UInt8] = []
        var ends: [Int] = []
        ends.reserveCapacity(names.count)
        for name in names {
            JSONWriter.writeString(name, into: &encoded)
            encoded.append(UInt8(ascii: ":"))
            ends.append(encoded.count)
        }
        self.names = names
        self.encoded = encoded
        self.encodedEnds = ends
        if names.count > Self.indexThreshold {
            buildIndex()
            if index?.count != names.count { return nil }
        } else {
            for later in names.indices.dropFirst() where names[..<later].contains(names[later]) { return nil }
        }
    }

    private init(copying other: ObjectKeys) {
        names = other.names
        index = other.index
    }

    /// A copy that can be changed (without the encoded form, which changes would leave stale).
    func copy() -> ObjectKeys { ObjectKeys(copying: self) }

    var count: Int { names.count }

    func position(of key: String) -> Int? {
        if let index { return index[key] }
        for position in names.indices where names[position] == key { return position }
        return nil
    }

    /// The first key equal to `key` ignoring case (ASCII letters compared without making
    /// strings; other letters through `lowercased()`).
    func position(ignoringCase key: String) -> Int? {
        let wanted = key.utf8
        var folded: String?
        for (position, name) in names.enumerated() where name.utf8.count == wanted.count {
            switch ASCII.equalIgnoringCase(name.utf8, wanted) {
            case true?: return position
            case false?: continue
            case nil:
                if folded == nil { folded = key.lowercased() }
                if name.lowercased() == folded { return position }
            }
        }
        return nil
    }

    /// Adds a key at the end. Only on keys no other object shares.
    func append(_ name: String) {
        encoded = nil
        names.append(name)
        if index != nil {
            index?[name] = names.count - 1
        } else if names.count > Self.indexThreshold {
            buildIndex()
        }
    }

    /// Removes the key at `position`. Only on keys no other object shares.
    func remove(at position: Int) {
        encoded = nil
        names.remove(at: position)
        if index != nil { buildIndex() }
    }

    func reserveCapacity(_ count: Int) {
        names.reserveCapacity(count)
    }

    private func buildIndex() {
        var built: [String: Int] = [:]
        built.reserveCapacity(names.count)
        for (position, name) in names.enumerated() { built[name] = position }
        index = built
    }
}

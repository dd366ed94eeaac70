/// A JSON object that keeps the order its keys were added in.
///
/// Its values live in one array, in the order of its keys; the keys are an ``ObjectKeys``, which
/// objects with the same keys share (the parser gives all the records of a page one), and which
/// is copied before it changes. Objects with many keys look keys up through an index; the small
/// objects ConnectWise sends in numbers (references, `_info`, custom fields) scan their keys.
public struct JSONObject: Sendable, Hashable {
    private var shape: ObjectKeys
    private var storedValues: [JSON]

    public init() {
        shape = .empty
        storedValues = []
    }

    /// An object of keys and values already in step (the parser's).
    init(shape: ObjectKeys, values: [JSON]) {
        self.shape = shape
        self.storedValues = values
    }

    public init(_ pairs: KeyValuePairs<String, JSON>) {
        self.init()
        reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    public init(pairs: [(String, JSON)]) {
        self.init()
        reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    /// An object of the pairs given in order, whose keys the caller knows to be distinct: nothing
    /// is looked up while it is built (records made by code, not parsed from outside).
    public init(distinctPairs pairs: [(String, JSON)]) {
        shape = ObjectKeys(distinctNames: pairs.map(\.0))
        storedValues = pairs.map(\.1)
    }

    /// Reserves room for `count` keys, so that building an object of known size allocates once.
    public mutating func reserveCapacity(_ count: Int) {
        uniqueShape().reserveCapacity(count)
        storedValues.reserveCapacity(count)
    }

    /// The keys, made this object's own first if other objects share them.
    private mutating func uniqueShape() -> ObjectKeys {
        if !isKnownUniquelyReferenced(&shape) { shape = shape.copy() }
        return shape
    }

    public subscript(key: String) -> JSON? {
        get { shape.position(of: key).map { storedValues[$0] } }
        set {
            if let newValue {
                if let position = shape.position(of: key) {
                    storedValues[position] = newValue
                } else {
                    uniqueShape().append(key)
                    storedValues.append(newValue)
                }
            } else if let position = shape.position(of: key) {
                uniqueShape().remove(at: position)
                storedValues.remove(at: position)
            }
        }
    }

    /// The key spelled like `name` ignoring case, if any.
    public func key(matching name: String) -> String? {
        if shape.position(of: name) != nil { return name }
        return shape.position(ignoringCase: name).map { shape.names[$0] }
    }

    /// The value of the key spelled exactly like `key`, or else like it ignoring case.
    public subscript(ignoringCase key: String) -> JSON? {
        guard let position = shape.position(of: key) ?? shape.position(ignoringCase: key) else { return nil }
        return storedValues[position]
    }

    /// The keys in order.
    public var keys: [String] { shape.names }

    /// The values in the order of the keys.
    public var values: [JSON] { storedValues }

    /// Keys and values in order.
    public var pairs: [(key: String, value: JSON)] {
        zip(shape.names, storedValues).map { (key: $0, value: $1) }
    }

    public var count: Int { storedValues.count }

    /// An object of `keys` and the values that go with them, in order.
    public init(keys: SharedKeys, values: [JSON]) {
        precondition(keys.storage.count == values.count, "as many values as keys")
        self.init(shape: keys.storage, values: values)
    }

    /// Keys that many objects made by code share, such as the columns of a `select`: each
    /// object costs its values only, and the writer copies each key already encoded.
    public struct SharedKeys: Sendable {
        let storage: ObjectKeys

        /// Nil when a key repeats.
        public init?(_ names: [String]) {
            guard let storage = ObjectKeys(encodingNames: names) else { return nil }
            self.storage = storage
        }

        public var names: [String] { storage.names }
    }

    /// The keys' shared encoded form, for the writer.
    var keyStorage: ObjectKeys { shape }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storedValues.count)
        for (key, value) in zip(shape.names, storedValues) {
            hasher.combine(key)
            hasher.combine(value)
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.storedValues.count == rhs.storedValues.count else { return false }
        if lhs.shape !== rhs.shape, lhs.shape.names != rhs.shape.names { return false }
        return lhs.storedValues == rhs.storedValues
    }
}

/// A JSON value, as ConnectWise sends and takes it. Objects keep their key order.
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object(JSONObject)

    /// The object's field, or nil when this is not an object or has no such key.
    public subscript(key: String) -> JSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The value at a `/`-separated path such as `board/name`.
    public func value(atPath path: some StringProtocol) -> JSON? {
        var current = self
        for part in path.split(separator: "/") {
            guard case .object(let object) = current, let next = object[String(part)] else { return nil }
            current = next
        }
        return current
    }

    /// The value at a `/`-separated path, matching each key exactly or else ignoring case
    /// (ConnectWise field names are case-insensitive).
    public func value(atPathIgnoringCase path: some StringProtocol) -> JSON? {
        var current = self
        for part in path.split(separator: "/") {
            guard case .object(let object) = current, let key = object.key(matching: String(part)),
                let next = object[key]
            else { return nil }
            current = next
        }
        return current
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .double(let value) where value == value.rounded() && abs(value) < 9e15: return Int(value)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case .array(let value) = self { return value }
        return nil
    }
}

/// A JSON object that keeps the order its keys were added in.
///
/// Its entries live in one array, in order; objects with many keys also keep an index by key,
/// built as they grow. Most objects ConnectWise sends (references, `_info`, custom fields) have a
/// handful of keys, where a scan of one array is cheaper than hashing and costs one allocation.
public struct JSONObject: Sendable, Hashable {
    /// Above this many keys, lookups go through `index` instead of scanning `entries`.
    private static let indexThreshold = 16

    private var entries: [(key: String, value: JSON)] = []
    private var index: [String: Int]? = nil

    public init() {}

    public init(_ pairs: KeyValuePairs<String, JSON>) {
        entries.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    public init(pairs: [(String, JSON)]) {
        entries.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    /// An object of the pairs given in order, whose keys the caller knows to be distinct: nothing
    /// is looked up while it is built (records made by code, not parsed from outside).
    public init(distinctPairs pairs: [(String, JSON)]) {
        entries = pairs.map { (key: $0.0, value: $0.1) }
        if entries.count > Self.indexThreshold { buildIndex() }
    }

    /// Reserves room for `count` keys, so that building an object of known size allocates once.
    public mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
    }

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        for position in entries.indices where entries[position].key == key { return position }
        return nil
    }

    public subscript(key: String) -> JSON? {
        get { position(of: key).map { entries[$0].value } }
        set {
            if let newValue {
                if let position = position(of: key) {
                    entries[position].value = newValue
                } else {
                    entries.append((key, newValue))
                    if index != nil {
                        index?[key] = entries.count - 1
                    } else if entries.count > Self.indexThreshold {
                        buildIndex()
                    }
                }
            } else if let position = position(of: key) {
                entries.remove(at: position)
                if index != nil { buildIndex() }
            }
        }
    }

    private mutating func buildIndex() {
        var built: [String: Int] = [:]
        built.reserveCapacity(entries.count)
        for (position, entry) in entries.enumerated() { built[entry.key] = position }
        index = built
    }

    /// The key spelled like `name` ignoring case, if any.
    public func key(matching name: String) -> String? {
        if position(of: name) != nil { return name }
        let folded = name.lowercased()
        return entries.first { $0.key.lowercased() == folded }?.key
    }

    /// The keys in order.
    public var keys: [String] { entries.map(\.key) }

    /// Keys and values in order.
    public var pairs: [(key: String, value: JSON)] { entries }

    public var count: Int { entries.count }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        for (left, right) in zip(lhs.entries, rhs.entries) where left.key != right.key || left.value != right.value {
            return false
        }
        return true
    }
}

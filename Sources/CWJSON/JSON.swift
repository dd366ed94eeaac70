/// A JSON value, as ConnectWise sends and takes it. Objects keep their key order.
public enum JSON: Sendable, Equatable {
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
public struct JSONObject: Sendable, Equatable {
    public private(set) var keys: [String] = []
    private var storage: [String: JSON] = [:]

    public init() {}

    public init(_ pairs: KeyValuePairs<String, JSON>) {
        for (key, value) in pairs { self[key] = value }
    }

    public init(pairs: [(String, JSON)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public subscript(key: String) -> JSON? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// The key spelled like `name` ignoring case, if any.
    public func key(matching name: String) -> String? {
        if storage[name] != nil { return name }
        let folded = name.lowercased()
        return keys.first { $0.lowercased() == folded }
    }

    /// Keys and values in order.
    public var pairs: [(key: String, value: JSON)] { keys.map { ($0, storage[$0]!) } }

    public var count: Int { keys.count }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.keys == rhs.keys && lhs.storage == rhs.storage
    }
}

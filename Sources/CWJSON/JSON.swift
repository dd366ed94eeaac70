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
        value(at: JSONPath(path))
    }

    /// The value at a `/`-separated path, matching each key exactly or else ignoring case
    /// (ConnectWise field names are case-insensitive).
    public func value(atPathIgnoringCase path: some StringProtocol) -> JSON? {
        value(ignoringCaseAt: JSONPath(path))
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

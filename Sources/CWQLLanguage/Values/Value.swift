/// A runtime value: what variables hold, what records contain, what `print` shows.
public enum Value: Sendable, Hashable {
    case null
    case boolean(Bool)
    case integer(Int)
    case decimal(Double)
    case string(String)
    case date(UTCDate)
    case list([Value])
    case record(Record)

    /// How `print` and table cells show the value.
    public var displayText: String {
        switch self {
        case .null: return ""
        case .boolean(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .decimal(let value):
            return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .string(let value): return value
        case .date(let value): return value.iso8601
        case .list(let values): return values.map(\.displayText).joined(separator: ", ")
        case .record(let record): return record.displayText
        }
    }

    /// The kind of value, for messages ("expected a number, found text").
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .boolean: return "true or false"
        case .integer, .decimal: return "a number"
        case .string: return "text"
        case .date: return "a date"
        case .list: return "a list"
        case .record: return "a record"
        }
    }
}

/// A record with its fields in order (ConnectWise's JSON order is kept for display).
public struct Record: Sendable, Hashable {
    public private(set) var keys: [String] = []
    public private(set) var storage: [String: Value] = [:]

    public init() {}

    public init(_ pairs: [(String, Value)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public subscript(key: String) -> Value? {
        get { storage[key] }
        set {
            if storage[key] == nil, newValue != nil { keys.append(key) }
            if newValue == nil { keys.removeAll { $0 == key } }
            storage[key] = newValue
        }
    }

    /// The value at a `/`-separated path (`board/name`), or nil.
    public func value(atPath path: String) -> Value? {
        var current: Value = .record(self)
        for part in path.split(separator: "/") {
            guard case .record(let record) = current, let next = record.field(named: String(part)) else { return nil }
            current = next
        }
        return current
    }

    /// The field named `name`, matched exactly, then ignoring case.
    public func field(named name: String) -> Value? {
        if let exact = storage[name] { return exact }
        let folded = name.lowercased()
        return keys.first { $0.lowercased() == folded }.flatMap { storage[$0] }
    }

    var displayText: String {
        for key in ["identifier", "name", "id"] {
            if let value = storage[key], value != .null { return value.displayText }
        }
        return "{" + keys.map { "\($0): \(storage[$0]!.displayText)" }.joined(separator: ", ") + "}"
    }
}

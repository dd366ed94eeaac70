import CWJSON

/// A runtime value: what variables hold, what records contain, what `print` shows.
///
/// There is one model from the wire to the output: a record is the JSON object ConnectWise sent
/// (or cwql made), kept whole; a field becomes a `Value` only when a script reads it.
public enum Value: Sendable, Hashable {
    case null
    case boolean(Bool)
    case integer(Int)
    case decimal(Double)
    case string(String)
    case date(UTCDate)
    case list([Value])
    /// A record: its JSON object, fields in ConnectWise's order.
    case record(JSONObject)

    /// A value from JSON: scalars become values, an object stays the record it is.
    public init(_ json: JSON) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .boolean(flag)
        case .int(let number): self = .integer(number)
        case .double(let number): self = .decimal(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .list(items.map(Value.init))
        case .object(let object): self = .record(object)
        }
    }

    /// The value as JSON, for request bodies and JSON output (a date as ISO 8601 text).
    public var json: JSON {
        switch self {
        case .null: return .null
        case .boolean(let flag): return .bool(flag)
        case .integer(let number): return .int(number)
        case .decimal(let number): return .double(number)
        case .string(let text): return .string(text)
        case .date(let date): return .string(date.iso8601)
        case .list(let items): return .array(items.map(\.json))
        case .record(let record): return .object(record)
        }
    }

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
        case .record(let record): return JSON.object(record).displayText
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

extension JSONObject {
    /// The field named `name` (matched exactly, then ignoring case: ConnectWise's field names
    /// are case-insensitive), as a value.
    public func field(named name: String) -> Value? {
        key(matching: name).flatMap { self[$0] }.map(Value.init)
    }

    /// The value at a `/`-separated path (`board/name`), ignoring case, or nil.
    public func value(atPath path: some StringProtocol) -> Value? {
        JSON.object(self).value(atPathIgnoringCase: path).map(Value.init)
    }
}

extension JSON {
    /// The keys by which ``displayText`` shows an object: the first it has that is not null.
    public static let displayKeys = ["identifier", "name", "id"]

    /// How a cell or `print` shows JSON: a reference by its identifier, name or id; a list
    /// joined by commas; text as it is; anything else as compact JSON. The one display rule.
    public var displayText: String {
        switch self {
        case .null: return ""
        case .object(let object):
            for key in JSON.displayKeys {
                if let value = object[key], value != .null { return value.displayText }
            }
            return JSONWriter.string(self)
        case .array(let items): return items.map(\.displayText).joined(separator: ", ")
        case .string(let text): return text
        case .bool, .int, .double: return Value(self).displayText
        }
    }

    /// The value at a `/` path, ignoring key case, as a language value.
    public func lookup(_ path: String) -> Value? {
        value(atPathIgnoringCase: path).map(Value.init)
    }

    /// A custom field's value by caption (any case), or nil when the record has no such field.
    public func customField(_ caption: String) -> Value? {
        let folded = caption.lowercased()
        for field in self["customFields"]?.arrayValue ?? [] where field["caption"]?.stringValue?.lowercased() == folded
        {
            return field["value"].map(Value.init) ?? .null
        }
        return nil
    }
}

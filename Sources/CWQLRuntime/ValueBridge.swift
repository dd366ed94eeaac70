import CWJSON
import CWQLLanguage

extension Value {
    /// A record or value from ConnectWise JSON.
    init(_ json: JSON) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .boolean(flag)
        case .int(let number): self = .integer(number)
        case .double(let number): self = .decimal(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .list(items.map(Value.init))
        case .object(let object): self = .record(Record(object.pairs.map { ($0.key, Value($0.value)) }))
        }
    }

    /// The value as JSON, for request bodies and JSON output.
    var json: JSON {
        switch self {
        case .null: return .null
        case .boolean(let flag): return .bool(flag)
        case .integer(let number): return .int(number)
        case .decimal(let number): return .double(number)
        case .string(let text): return .string(text)
        case .date(let date): return .string(date.iso8601)
        case .list(let items): return .array(items.map(\.json))
        case .record(let record): return .object(JSONObject(pairs: record.keys.map { ($0, record[$0]!.json) }))
        }
    }
}

extension JSON {
    /// The value at a `/` path, ignoring key case, as a language value.
    func lookup(_ path: String) -> Value? {
        value(atPathIgnoringCase: path).map(Value.init)
    }

    /// A custom field's value by caption.
    func customField(_ caption: String) -> Value? {
        let folded = caption.lowercased()
        for field in self["customFields"]?.arrayValue ?? [] where field["caption"]?.stringValue?.lowercased() == folded
        {
            return field["value"].map(Value.init) ?? .null
        }
        return nil
    }

    /// How a cell shows a value: references by their name or identifier.
    var cellText: String {
        switch self {
        case .null: return ""
        case .object(let object):
            for key in ["identifier", "name", "id"] {
                if let value = object[key], value != .null { return value.cellText }
            }
            return JSONWriter.string(self)
        case .array(let items): return items.map(\.cellText).joined(separator: ", ")
        case .string(let text): return text
        default: return JSONWriter.string(self)
        }
    }
}

/// A ConnectWise `conditions` (or `customFieldConditions`) value as a tree, printed in one
/// place: quoting and parentheses happen here and only here, so no value can change the
/// structure of the string and nothing re-scans a printed string to place parentheses.
public indirect enum Conditions: Sendable, Hashable, Codable {
    /// `path op value`, e.g. `board/name = "Help"`.
    case comparison(path: String, op: String, value: ConditionsValue)
    /// Every part holds (`a and b`).
    case all([Conditions])
    /// Some part holds (`a or b`).
    case any([Conditions])
    /// `field in (ids)` for the records of the previous step: a hole the runtime fills with a
    /// batch of ids, shown as `{ids}` by `translate`.
    case parentIds(field: String)

    /// Both, flattened: `a and (b and c)` is `a and b and c`.
    public static func both(_ lhs: Conditions?, _ rhs: Conditions?) -> Conditions? {
        switch (lhs, rhs) {
        case (nil, let other), (let other, nil): return other
        case (let lhs?, let rhs?):
            return .all(lhs.conjuncts + rhs.conjuncts)
        }
    }

    private var conjuncts: [Conditions] {
        if case .all(let parts) = self { return parts }
        return [self]
    }

    /// The string ConnectWise reads; `ids` fills ``parentIds(field:)`` (nil prints `{ids}`).
    public func rendered(ids: [Int]? = nil) -> String {
        var out = ""
        write(into: &out, inside: nil, ids: ids)
        return out
    }

    private enum Connective { case and, or }

    private var connective: Connective? {
        switch self {
        case .all(let parts) where parts.count > 1: return .and
        case .any(let parts) where parts.count > 1: return .or
        case .all(let parts), .any(let parts): return parts.first?.connective
        default: return nil
        }
    }

    /// A group is parenthesised whenever its connective differs from its parent's, so the
    /// meaning never depends on how ConnectWise ranks `and` against `or`.
    private func write(into out: inout String, inside parent: Connective?, ids: [Int]?) {
        if let own = connective, let parent, own != parent {
            out += "("
            writeBody(into: &out, ids: ids)
            out += ")"
        } else {
            writeBody(into: &out, ids: ids)
        }
    }

    private func writeBody(into out: inout String, ids: [Int]?) {
        switch self {
        case .comparison(let path, let op, let value):
            out += path
            out += " "
            out += op
            out += " "
            value.write(into: &out)
        case .all(let parts), .any(let parts):
            let own = connective
            let word = own == .or ? " or " : " and "
            for (index, part) in parts.enumerated() {
                if index > 0 { out += word }
                part.write(into: &out, inside: parts.count > 1 ? own : nil, ids: ids)
            }
        case .parentIds(let field):
            out += field
            out += " in ("
            out += ids.map { $0.map(String.init).joined(separator: ", ") } ?? "{ids}"
            out += ")"
        }
    }
}

/// A value in a conditions string, written the one way ConnectWise reads it.
public enum ConditionsValue: Sendable, Hashable, Codable {
    case text(String)
    /// A number, already checked to be `-?digits(.digits)?`.
    case number(String)
    case boolean(Bool)
    case null
    /// A moment in UTC, ISO 8601 (`2026-11-15T00:00:00Z`), written in square brackets.
    case date(String)
    case list([ConditionsValue])

    func write(into out: inout String) {
        switch self {
        case .text(let text): out += ConditionsValue.quote(text)
        case .number(let number): out += number
        case .boolean(let value): out += value ? "true" : "false"
        case .null: out += "null"
        case .date(let iso): out += "[\(iso)]"
        case .list(let items):
            out += "("
            for (index, item) in items.enumerated() {
                if index > 0 { out += ", " }
                item.write(into: &out)
            }
            out += ")"
        }
    }

    /// The value as written in a conditions string.
    public var written: String {
        var out = ""
        write(into: &out)
        return out
    }

    /// `"…"` with `\` and `"` escaped, scalar by scalar (a quote followed by a combining mark
    /// is still escaped). The only quoting function for conditions: the compiler, the runtime's
    /// name lookups and reconciliation, and completion all use it.
    public static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }
}

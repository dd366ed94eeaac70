/// A value ready to be written into a ConnectWise conditions string.
///
/// Writing goes through this one type so that every value is quoted or bracketed: no value
/// can close a string early or add an operator to the conditions.
enum ConditionsLiteral: Sendable, Equatable {
    case text(String)
    /// A number, already checked to be `-?digits(.digits)?`.
    case number(String)
    case boolean(Bool)
    case null
    case moment(UTCDate)
    /// A bare day (`2026-01-31`, `today`): `=` and `!=` mean the whole UTC day.
    case day(UTCDate)

    /// The literal as ConnectWise reads it.
    var written: String {
        switch self {
        case .text(let text): return ConditionsLiteral.quote(text)
        case .number(let number): return number
        case .boolean(let value): return value ? "true" : "false"
        case .null: return "null"
        case .moment(let date), .day(let date): return "[\(date.iso8601)]"
        }
    }

    /// `"…"` with `\` and `"` escaped.
    static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for character in text.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default: out.unicodeScalars.append(character)
            }
        }
        out += "\""
        return out
    }
}

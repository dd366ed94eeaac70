import ConnectWiseRequests

/// A value written in a condition, of the field's type, before it becomes a
/// ``ConditionsValue`` (which quotes and brackets it).
enum ConditionsLiteral: Sendable, Equatable {
    case text(String)
    /// A number, already checked to be `-?digits(.digits)?`.
    case number(String)
    case boolean(Bool)
    case null
    case moment(UTCDate)
    /// A bare day (`2026-01-31`, `today`): `=` and `!=` mean the whole UTC day.
    case day(UTCDate)

    /// The value as a conditions string writes it.
    var value: ConditionsValue {
        switch self {
        case .text(let text): return .text(text)
        case .number(let number): return .number(number)
        case .boolean(let flag): return .boolean(flag)
        case .null: return .null
        case .moment(let date), .day(let date): return .date(date.iso8601)
        }
    }

    /// The literal as ConnectWise reads it.
    var written: String { value.written }
}

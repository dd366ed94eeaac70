/// What an aggregate computes over a group's records.
public enum AggregateFunction: String, Sendable, CaseIterable {
    case count, sum, avg, min, max

    /// True for the functions that read a field (all but `count`).
    public var readsField: Bool { self != .count }

    /// True for the functions that add numbers (`sum`, `avg`).
    public var needsNumbers: Bool { self == .sum || self == .avg }
}

/// One computed column of an aggregate: `count`, `sum actualHours` (column `sum_actualHours`),
/// or `hours = sum(actualHours)` in `summarize`.
public struct Measure: Sendable {
    /// The column's name: as written after `summarize`, else `count` or `sum_FIELD`.
    public var name: String
    public var function: AggregateFunction
    /// The field read; nil for `count`.
    public var field: FieldPath?
    public var span: SourceSpan

    public init(name: String? = nil, function: AggregateFunction, field: FieldPath?, span: SourceSpan) {
        self.function = function
        self.field = field
        self.span = span
        if let name {
            self.name = name
        } else if let field {
            self.name = function.rawValue + "_" + Measure.columnName(field)
        } else {
            self.name = function.rawValue
        }
    }

    /// A field as a column name: `company.name` as written, a raw path's `/` as `.`.
    public static func columnName(_ field: FieldPath) -> String {
        switch field.form {
        case .dotted(let names): return names.map(\.text).joined(separator: ".")
        case .raw(let path): return String(path.map { $0 == "/" ? "." : $0 })
        }
    }
}

/// `count by board, status`, `sum actualHours by member`, `summarize n = count(), h = sum(x) by m`:
/// the records grouped by the keys (one group when there are none), one row per group whose
/// columns are the keys and then the measures.
public struct Aggregation: Sendable {
    /// The keyword it was written with (`count`, `sum`, …, `summarize`).
    public var keyword: StageKeyword
    public var keys: [FieldPath]
    public var measures: [Measure]
    /// From the keyword to the last key.
    public var span: SourceSpan

    public init(keyword: StageKeyword, keys: [FieldPath], measures: [Measure], span: SourceSpan) {
        self.keyword = keyword
        self.keys = keys
        self.measures = measures
        self.span = span
    }

    /// True for `count by …`, whose groups come largest first.
    public var isCountBy: Bool { measures.count == 1 && measures[0].function == .count && !keys.isEmpty }
}

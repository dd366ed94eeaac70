import CWJSON
import ConnectWiseRequests

/// Evaluates conditions against records the way SQL Server does for ConnectWise: text
/// comparisons ignore case, and a missing value makes a comparison unknown (neither true nor
/// false), so `not` of an unknown stays unknown and the record is left out.
enum ConditionsEvaluator {
    static func matches(_ node: ConditionsNode, _ record: some FieldLookup) -> Bool {
        evaluate(node, record) == true
    }

    static func evaluate(_ node: ConditionsNode, _ record: some FieldLookup) -> Bool? {
        switch node {
        case .and(let lhs, let rhs):
            let left = evaluate(lhs, record)
            if left == false { return false }
            let right = evaluate(rhs, record)
            if right == false { return false }
            return left == true && right == true ? true : nil
        case .or(let lhs, let rhs):
            let left = evaluate(lhs, record)
            if left == true { return true }
            let right = evaluate(rhs, record)
            if right == true { return true }
            return left == false && right == false ? false : nil
        case .not(let inner):
            return evaluate(inner, record).map { !$0 }
        case .list(let path, let negated, let values):
            let field = record.lookup(path[...]) ?? .null
            if field == .null { return nil }
            var sawUnknown = false
            for value in values {
                switch compare(field, .equal, value) {
                case true?: return !negated
                case nil: sawUnknown = true
                default: break
                }
            }
            return sawUnknown ? nil : negated
        case .compare(let path, let op, let value):
            return compare(record.lookup(path[...]) ?? .null, op, value)
        }
    }

    static func compare(_ field: JSON, _ op: ConditionsOperator, _ value: ConditionsValue) -> Bool? {
        if value == .null {
            switch op {
            case .equal: return field == .null
            case .notEqual: return field != .null
            default: return nil
            }
        }
        if field == .null { return nil }
        switch op {
        case .contains, .notContains, .like, .notLike:
            guard let text = text(field), case .string(let pattern) = value else { return nil }
            let matched: Bool
            if op == .contains || op == .notContains {
                matched = text.lowercased().contains(pattern.lowercased())
            } else {
                matched = likeMatch(text.lowercased(), pattern.lowercased())
            }
            return (op == .contains || op == .like) ? matched : !matched
        default:
            guard let order = ordering(field, value) else { return nil }
            switch op {
            case .equal: return order == 0
            case .notEqual: return order != 0
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            case .greater: return order > 0
            case .greaterOrEqual: return order >= 0
            default: return nil
            }
        }
    }

    /// -1, 0 or 1 comparing a field with a literal, or nil when they can't be compared.
    static func ordering(_ field: JSON, _ value: ConditionsValue) -> Int? {
        switch value {
        case .string(let literal):
            guard let text = text(field) else { return nil }
            let (a, b) = (text.lowercased(), literal.lowercased())
            return a == b ? 0 : (a < b ? -1 : 1)
        case .number(let literal):
            let number = field.doubleValue ?? text(field).flatMap(Double.init)
            guard let number else { return nil }
            return number == literal ? 0 : (number < literal ? -1 : 1)
        case .boolean(let literal):
            guard let flag = field.boolValue else { return nil }
            return flag == literal ? 0 : (flag ? 1 : -1)
        case .date(let literal):
            guard let text = field.stringValue, let seconds = SimulatorDates.parse(text) else { return nil }
            return seconds == literal ? 0 : (seconds < literal ? -1 : 1)
        case .null:
            return nil
        }
    }

    private static func text(_ field: JSON) -> String? {
        switch field {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    /// SQL `like` with `%` (and `*`, which some integrators use) for any run, `_` for one character.
    static func likeMatch(_ text: String, _ pattern: String) -> Bool {
        let t = Array(text)
        let p = Array(pattern)
        var ti = 0
        var pi = 0
        var star = -1
        var mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "_" || (p[pi] != "%" && p[pi] != "*" && p[pi] == t[ti]) {
                ti += 1
                pi += 1
            } else if pi < p.count, p[pi] == "%" || p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "%" || p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// ISO dates as ConnectWise writes them (`2026-01-31T09:30:00Z`), to and from epoch seconds.
enum SimulatorDates {
    static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for index in range {
                guard bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = daysFromCivil(year, month, day) * 86_400
        if bytes.count >= 19, let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) {
            seconds += Int64(hour * 3600 + minute * 60 + second)
        } else if bytes.count != 10 && bytes.count != 11 {
            return nil
        }
        return seconds
    }

    static func format(_ seconds: Int64) -> String {
        let (days, secondOfDay) = CivilDate.split(seconds)
        let civil = CivilDate.date(fromDays: days)
        let (year, month, day) = (Int64(civil.year), Int64(civil.month), Int64(civil.day))
        // Written digit by digit: the seeder formats several dates for each of its many records.
        var bytes = Array("0000-00-00T00:00:00Z".utf8)
        func put(_ value: Int64, at end: Int, width: Int) {
            var rest = value
            for offset in 0..<width {
                bytes[end - offset] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                rest /= 10
            }
        }
        put(month, at: 6, width: 2)
        put(day, at: 9, width: 2)
        put(Int64(secondOfDay / 3600), at: 12, width: 2)
        put(Int64(secondOfDay / 60 % 60), at: 15, width: 2)
        put(Int64(secondOfDay % 60), at: 18, width: 2)
        guard (0...9999).contains(year) else { return String(year) + String(decoding: bytes[4...], as: UTF8.self) }
        put(year, at: 3, width: 4)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        CivilDate.days(year: year, month: month, day: day)
    }
}

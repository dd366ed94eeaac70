/// A date written in cwql source: `2026-01-31` or `2026-01-31T09:30:00Z` (an offset such as
/// `+02:00` is allowed; no offset means UTC).
public struct DateLiteral: Sendable, Hashable {
    /// The moment it names, in UTC.
    public var date: UTCDate
    /// False for a bare day (`2026-01-31`), which `=` treats as the whole day.
    public var hasTime: Bool

    /// Parses the literal, or returns nil when it is not a valid date.
    public init?(parsing text: String) {
        let chars = Array(text.utf8)
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= chars.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let byte = chars[index + offset]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += count
            return value
        }
        func expect(_ scalar: Unicode.Scalar) -> Bool {
            guard index < chars.count, chars[index] == UInt8(ascii: scalar) else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"),
            let day = digits(2), UTCDate.isValid(year: year, month: month, day: day)
        else { return nil }
        guard index < chars.count else {
            date = UTCDate(year: year, month: month, day: day)
            hasTime = false
            return
        }
        guard expect("T"), let hour = digits(2), hour < 24, expect(":"), let minute = digits(2), minute < 60
        else { return nil }
        var second = 0
        if expect(":") {
            guard let value = digits(2), value < 60 else { return nil }
            second = value
            if expect(".") {
                var fractionDigits = 0
                while index < chars.count, chars[index] >= 0x30, chars[index] <= 0x39 {
                    index += 1
                    fractionDigits += 1
                }
                guard fractionDigits > 0 else { return nil }
            }
        }
        var offsetSeconds = 0
        if expect("Z") {
            offsetSeconds = 0
        } else if index < chars.count, chars[index] == UInt8(ascii: "+") || chars[index] == UInt8(ascii: "-") {
            let sign = chars[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = digits(2), offsetHours <= 14, expect(":"), let offsetMinutes = digits(2),
                offsetMinutes < 60
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard index == chars.count else { return nil }
        date = UTCDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            .adding(seconds: Int64(-offsetSeconds))
        hasTime = true
    }
}

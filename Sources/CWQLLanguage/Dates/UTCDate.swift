import ConnectWiseRequests

/// A moment in UTC, as whole seconds since 1970-01-01T00:00:00Z.
///
/// cwql sends every date to ConnectWise in UTC (`[2026-01-31T09:30:00Z]`); this small type does
/// the calendar arithmetic without Foundation so that compiling stays fast and deterministic.
public struct UTCDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since the Unix epoch.
    public var secondsSinceEpoch: Int64

    public init(secondsSinceEpoch: Int64) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    /// The moment at the given UTC calendar date and time.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        let days = UTCDate.daysFromCivil(year: year, month: month, day: day)
        secondsSinceEpoch = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Calendar fields of this moment in UTC.
    public var components: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let days = floorDivide(secondsSinceEpoch, 86_400)
        let secondOfDay = Int(secondsSinceEpoch - days * 86_400)
        let (year, month, day) = UTCDate.civil(fromDays: days)
        return (year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
    }

    /// Midnight UTC of this moment's day.
    public var startOfDay: UTCDate {
        UTCDate(secondsSinceEpoch: floorDivide(secondsSinceEpoch, 86_400) * 86_400)
    }

    /// Midnight UTC of the Monday of this moment's ISO week.
    public var startOfWeek: UTCDate {
        let days = floorDivide(secondsSinceEpoch, 86_400)
        let weekday = Int((days + 3) % 7 + 7) % 7  // 0 = Monday; 1970-01-01 was a Thursday
        return UTCDate(secondsSinceEpoch: (days - Int64(weekday)) * 86_400)
    }

    /// Midnight UTC of the first day of this moment's month.
    public var startOfMonth: UTCDate {
        let parts = components
        return UTCDate(year: parts.year, month: parts.month, day: 1)
    }

    /// This moment moved by a number of seconds.
    public func adding(seconds: Int64) -> UTCDate {
        UTCDate(secondsSinceEpoch: secondsSinceEpoch + seconds)
    }

    /// `2026-01-31T09:30:00Z`
    public var iso8601: String {
        let p = components
        return
            "\(pad(p.year, 4))-\(pad(p.month, 2))-\(pad(p.day, 2))T\(pad(p.hour, 2)):\(pad(p.minute, 2)):\(pad(p.second, 2))Z"
    }

    public var description: String { iso8601 }

    public static func < (lhs: UTCDate, rhs: UTCDate) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        CivilDate.days(year: year, month: month, day: day)
    }

    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let date = CivilDate.date(fromDays: days)
        return (date.year, date.month, date.day)
    }

    /// Whether a day exists in a month of a year.
    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }
}

private func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let quotient = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
}

private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

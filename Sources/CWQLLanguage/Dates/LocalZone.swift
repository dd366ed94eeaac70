/// Where "today" is: how far a place's clocks are from UTC at each moment. The runtime builds
/// it from the time zone database (the profile's `timezone`, else the machine's); the language
/// stays free of Foundation. Dates are still sent to ConnectWise in UTC.
public struct LocalZone: Sendable {
    /// The zone's name, for messages (`America/New_York`).
    public let name: String
    private let offsetAt: @Sendable (Int64) -> Int

    /// - Parameter offsetAt: seconds east of UTC at a UTC moment (seconds since 1970).
    public init(name: String, offsetAt: @escaping @Sendable (Int64) -> Int) {
        self.name = name
        self.offsetAt = offsetAt
    }

    public static let utc = LocalZone(name: "UTC") { _ in 0 }

    /// The wall-clock time of a moment in this zone, written as if it were UTC.
    func local(_ date: UTCDate) -> UTCDate {
        date.adding(seconds: Int64(offsetAt(date.secondsSinceEpoch)))
    }

    /// The moment at which this zone's clocks show `local` (a wall-clock time written as UTC).
    func moment(atLocal local: UTCDate) -> UTCDate {
        let guess = local.secondsSinceEpoch - Int64(offsetAt(local.secondsSinceEpoch))
        return UTCDate(secondsSinceEpoch: local.secondsSinceEpoch - Int64(offsetAt(guess)))
    }
}

/// The date words of conditions: `today`, `yesterday`, `now`, and the start and end of the day,
/// week (Monday), month and year, each with an optional offset (`startOfMonth(-1)`: last month's
/// first moment), in the zone's calendar.
enum DateWord {
    static let names = [
        "today", "yesterday", "now", "startOfDay", "startOfWeek", "startOfMonth", "startOfYear", "endOfDay",
        "endOfWeek",
        "endOfMonth", "endOfYear",
    ]

    /// True for the words that take an offset in parentheses.
    static func takesOffset(_ word: String) -> Bool {
        let folded = word.lowercased()
        return folded.hasPrefix("startof") || folded.hasPrefix("endof")
    }

    /// The literal a date word stands for at `now` in `zone`, or nil when it is not one.
    static func literal(_ text: String, now: UTCDate, zone: LocalZone) -> ConditionsLiteral? {
        var word = Substring(text.lowercased())
        var offset = 0
        if let open = word.firstIndex(of: "("), word.hasSuffix(")") {
            guard let number = Int(word[word.index(after: open)..<word.index(before: word.endIndex)]) else {
                return nil
            }
            offset = number
            word = word[..<open]
        }
        let local = zone.local(now)
        func start(_ unit: Substring, shift: Int) -> UTCDate? {
            let day = local.startOfDay
            let parts = day.components
            let wall: UTCDate
            switch unit {
            case "day": wall = day.adding(seconds: Int64(shift) * 86_400)
            case "week": wall = day.startOfWeek.adding(seconds: Int64(shift) * 7 * 86_400)
            case "month":
                let months = parts.year * 12 + (parts.month - 1) + shift
                wall = UTCDate(
                    year: months >= 0 ? months / 12 : (months - 11) / 12,
                    month: ((months % 12) + 12) % 12 + 1,
                    day: 1
                )
            case "year": wall = UTCDate(year: parts.year + shift, month: 1, day: 1)
            default: return nil
            }
            return zone.moment(atLocal: wall)
        }
        switch word {
        case "now": return offset == 0 ? .moment(now) : nil
        case "today": return start("day", shift: offset).map { .day($0) }
        case "yesterday": return start("day", shift: offset - 1).map { .day($0) }
        default:
            if word.hasPrefix("startof") { return start(word.dropFirst(7), shift: offset).map { .moment($0) } }
            if word.hasPrefix("endof") {
                return start(word.dropFirst(5), shift: offset + 1).map { .moment($0.adding(seconds: -1)) }
            }
            return nil
        }
    }
}

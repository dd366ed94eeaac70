/// HTTP's date format (RFC 9110's IMF-fixdate, `Mon, 23 Nov 2026 19:56:21 GMT`), which
/// servers send in their `Date` header: written by the simulator, read by the client.
public enum HTTPDate {
    /// `Mon, 23 Nov 2026 19:56:21 GMT` (RFC 9110's IMF-fixdate) as seconds since 1970.
    public static func parse(_ text: String) -> Double? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]),
            let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
                .firstIndex(of: String(parts[2])).map({ $0 + 1 })
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        let days = CivilDate.days(year: year, month: month, day: day)
        return Double(days * 86_400 + Int64(clock[0] * 3600 + clock[1] * 60 + clock[2]))
    }

    /// IMF-fixdate of a moment, as a server writes its `Date` header.
    public static func format(_ seconds: Double) -> String {
        let (days, secondOfDay) = CivilDate.split(Int64(seconds.rounded(.down)))
        let (year, month, day) = CivilDate.date(fromDays: days)
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][Int(((days % 7) + 7) % 7)]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(weekday), \(two(day)) \(months[month - 1]) \(year) \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) GMT"
    }
}

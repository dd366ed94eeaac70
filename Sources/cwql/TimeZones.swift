import CWQLLanguage
import Foundation

/// The zone `today` and `startOfWeek` are in: a named one (the profile's `timezone`,
/// CW_TIMEZONE), else the machine's.
enum TimeZones {
    /// Nil name: the machine's zone. A name the time zone database does not know is an error
    /// with a did-you-mean.
    static func zone(named name: String?) throws -> LocalZone {
        let zone: TimeZone
        if let name {
            guard let named = TimeZone(identifier: name) else {
                let near = Suggestions.closest(to: name, among: TimeZone.knownTimeZoneIdentifiers)
                throw TimeZoneError(
                    description: "unknown time zone '\(name)'" + (near.map { "; did you mean '\($0)'?" } ?? "")
                        + " (the profile's timezone or CW_TIMEZONE: a name such as America/New_York)"
                )
            }
            zone = named
        } else {
            zone = TimeZone.current
        }
        return LocalZone(name: zone.identifier) { seconds in
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        }
    }

    /// The zone for commands without credentials (`translate`): CW_TIMEZONE, else the machine's.
    static func fromEnvironment() throws -> LocalZone {
        try zone(named: ProcessInfo.processInfo.environment["CW_TIMEZONE"].flatMap { $0.isEmpty ? nil : $0 })
    }
}

struct TimeZoneError: Error, CustomStringConvertible {
    var description: String
}

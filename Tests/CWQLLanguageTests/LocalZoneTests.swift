import CWQLLanguage
import Testing

/// `today` is the user's day: an MSP in New York asking at 8 pm does not get tomorrow's UTC day.
@Suite struct LocalZoneTests {
    /// New York in November: five hours behind UTC.
    static let newYork = LocalZone(name: "America/New_York") { _ in -5 * 3600 }

    func conditions(_ query: String, at now: UTCDate, zone: LocalZone) throws -> String {
        let plan = try Translator.translate(query, environment: CompileEnvironment(now: now, zone: zone))
        return plan.parameterLines.first { $0.hasPrefix("conditions: ") } ?? ""
    }

    @Test func theDayIsTheZonesDaySentAsUTC() throws {
        // Sunday 22 November, 20:00 in New York: 01:00 UTC on the 23rd.
        let evening = UTCDate(year: 2026, month: 11, day: 23, hour: 1)
        #expect(
            try conditions("tickets where entered >= today", at: evening, zone: Self.newYork)
                == "conditions: _info/dateEntered >= [2026-11-22T05:00:00Z]"
        )
        #expect(
            try conditions("tickets where entered >= today", at: evening, zone: .utc)
                == "conditions: _info/dateEntered >= [2026-11-23T00:00:00Z]"
        )
        // `= yesterday` is New York's Saturday, whole.
        #expect(
            try conditions("tickets where entered = yesterday", at: evening, zone: Self.newYork)
                == "conditions: _info/dateEntered >= [2026-11-21T05:00:00Z] and _info/dateEntered < [2026-11-22T05:00:00Z]"
        )
        // The week and month start at the zone's midnight.
        #expect(
            try conditions("tickets where entered >= startOfWeek", at: evening, zone: Self.newYork)
                == "conditions: _info/dateEntered >= [2026-11-16T05:00:00Z]"
        )
        #expect(
            try conditions("tickets where entered <= endOfMonth", at: evening, zone: Self.newYork)
                == "conditions: _info/dateEntered <= [2026-12-01T04:59:59Z]"
        )
    }

    @Test func meIsTheProfilesMember() throws {
        let plan = try Translator.translate(
            "tickets where owner = me and closed = false",
            environment: CompileEnvironment(now: UTCDate(year: 2026, month: 11, day: 22), me: "jsmith")
        )
        #expect(plan.parameterLines.first == "conditions: owner/identifier = \"jsmith\" and closedFlag = false")
        // Quoted, it is the word.
        let quoted = try Translator.translate(
            #"tickets where summary = "me""#,
            environment: CompileEnvironment(now: UTCDate(year: 2026, month: 11, day: 22))
        )
        #expect(quoted.parameterLines.first == #"conditions: summary = "me""#)
    }
}

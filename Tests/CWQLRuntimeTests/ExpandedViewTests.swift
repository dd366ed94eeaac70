import CWQLRuntime
import Testing

/// One record too wide for the terminal is shown expanded; several records stay a table.
@Suite("The expanded view")
struct ExpandedViewTests {
    @Test func oneWideRecordIsExpandedAutomatically() async throws {
        try await withRuntime(tickets: 20, options: { $0.style.width = 60 }) { h in
            let one = try await h.run("ticket 5")
            #expect(one.hasPrefix("-[ RECORD 1 ]"))
            #expect(one.contains("\nsummary  | New user setup at Initech\n"))
            let several = try await h.run("tickets where id <= 2 | sort id")
            #expect(several.hasPrefix("id | "))
            h.interpreter.runOptions.style.expanded = .off
            #expect(try await h.run("ticket 5").hasPrefix("id | "))
            h.interpreter.runOptions.style.expanded = .on
            #expect(try await h.run("tickets where id <= 2 | sort id").contains("-[ RECORD 2 ]"))
        }
    }
}

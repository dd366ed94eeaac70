import CWJSON
import CWQLLanguage
import CWQLRuntime
import CWQLTestSupport
import Foundation
import Testing

/// Expressions against the simulator: interpolation, arithmetic, one record's fields, list
/// literals and computed columns, each checked against the simulator's data.
@Suite("Interpreter: expressions, interpolation and computed columns")
struct ExpressionTests {
    @Test func interpolatedNotesSayWhichTicketAndHowManyDays() async throws {
        try await withRuntime(tickets: 30) { h in
            try await h.run(
                #"""
                let days = 14
                for $t in (tickets where id in (3, 4)) {
                    $t | note "no update in \($days) days on ticket \($t.id) (\($t.summary))" internal
                }
                """#
            )
            let notes = h.server.store.records("ticket_notes").filter {
                $0["text"]?.stringValue?.hasPrefix("no update") == true
            }
            #expect(notes.compactMap { $0["ticketId"]?.intValue }.sorted() == [3, 4])
            for note in notes {
                let id = note["ticketId"]!.intValue!
                let summary = h.server.store.record("tickets", id: id)!["summary"]!.stringValue!
                #expect(note["text"]?.stringValue == "no update in 14 days on ticket \(id) (\(summary))")
            }
        }
    }

    @Test func oneRecordsFieldsAndAliases() async throws {
        try await withRuntime(tickets: 30) { h in
            let out = try await h.run(
                """
                let t = ticket 5
                print $t.summary
                print $t.updated
                print (ticket 6).summary
                print $t.id * 10 + 1, "#" + "\\($t.id)"
                """
            )
            let five = h.server.store.record("tickets", id: 5)!
            let six = h.server.store.record("tickets", id: 6)!
            #expect(
                out.split(separator: "\n").map(String.init) == [
                    five["summary"]!.stringValue!, five["_info"]!["lastUpdated"]!.stringValue!,
                    six["summary"]!.stringValue!, "51 #5",
                ]
            )
        }
    }

    @Test func listLiteralsAndRecordsInIn() async throws {
        try await withRuntime { h in
            let out = try await h.run(
                """
                let names = ("ACME", "GLOBEX")
                print (tickets where company in $names | count)
                let acme = (companies where identifier = "ACME")
                print (tickets where company in $acme | count)
                """
            )
            let tickets = h.server.store.records("tickets")
            let both = tickets.filter { ["ACME", "GLOBEX"].contains($0["company"]?["identifier"]?.stringValue) }.count
            let acme = tickets.filter { $0["company"]?["identifier"]?.stringValue == "ACME" }.count
            #expect(out == "\(both)\n\(acme)\n")
            #expect(both > acme && acme > 0)
        }
    }

    @Test func computedColumnsAndCustomFields() async throws {
        try await withRuntime(tickets: 40, options: { $0.format = .jsonl }) { h in
            let rows = try jsonLines(
                try await h.run(
                    ##"tickets | select id, minutes = budgetHours * 60, label = "#\(id): \(summary)", custom("Seats")"##
                )
            )
            #expect(rows.count == 40)
            for row in rows {
                let ticket = h.server.store.record("tickets", id: row["id"]!.intValue!)!
                #expect(row.objectValue?.keys == ["id", "minutes", "label", "Seats"])
                let hours = ticket["budgetHours"]?.doubleValue
                #expect(row["minutes"]?.doubleValue == hours.map { $0 * 60 })
                #expect(row["label"]?.stringValue == "#\(ticket["id"]!.intValue!): \(ticket["summary"]!.stringValue!)")
                let seats = ticket["customFields"]?.arrayValue?.first { $0["caption"]?.stringValue == "Seats" }?[
                    "value"
                ]
                // The same number, however the wire wrote it (5 or 5.0).
                #expect(row["Seats"].map(Value.init)?.displayText == (seats ?? .null).displayText)
            }
        }
    }

    @Test func typeErrorsStopTheScriptBeforeItsFirstWrite() async throws {
        try await withRuntime(tickets: 30) { h in
            for mistake in [#"print "a" + 1"#, #"tickets | select x = summary * 2"#, #"print "\($nope)""#] {
                let error = await h.failure("tickets where id = 20 | note \"x\"\n\(mistake)")
                #expect(error?.kind == .compile, "\(mistake)")
                #expect(!h.requests.contains { $0.method == "POST" }, "\(mistake) wrote before its error")
            }
        }
    }

    @Test func divisionByZeroIsALocatedRuntimeError() async throws {
        try await withRuntime(tickets: 30) { h in
            let error = await h.failure("let zero = (tickets where id < 0 | count)\nprint 10 / $zero")
            #expect(error?.description.contains("division by zero") == true)
            #expect(error?.description.contains("2:7") == true)
        }
    }
}

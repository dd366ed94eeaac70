import CWJSON
import CWQLRuntime
import CWQLTestSupport
import Foundation
import Testing

@Suite("Standard library modules against the simulator")
struct StdlibTests {
    func alertTickets(_ h: RuntimeHarness, _ id: String) -> [JSONObject] {
        h.server.store.records("tickets").filter { ticket in
            (ticket["customFields"]?.arrayValue ?? []).contains { $0["value"]?.stringValue == id }
        }
    }

    @Test func alertToTicketMakesNoDuplicates() async throws {
        try await withRuntime { h in
            let raise = #"import "alerts"\#nalerts.raise_alert("A-9", "Disk full on SRV01", "ACME", "C: 97%")"#
            try await h.run(raise)
            try await h.run(raise)
            let tickets = alertTickets(h, "A-9")
            #expect(tickets.count == 1)
            let id = tickets[0]["id"]!.intValue!
            // The first raise's message is the ticket's initial description, which ConnectWise keeps
            // as its first note; the second raise adds an internal note.
            let notes = h.server.store.records("ticket_notes").filter { $0["ticketId"]?.intValue == id }
            #expect(notes.compactMap { $0["text"]?.stringValue } == ["C: 97%", "C: 97%"])
            #expect(notes.map { $0["detailDescriptionFlag"]?.boolValue == true } == [true, false])
            #expect(notes.map { $0["internalAnalysisFlag"]?.boolValue == true } == [false, true])
            try await h.run(#"import "alerts"\#nalerts.resolve_alert("A-9", "Cleaned up")"#)
            #expect(h.server.store.record("tickets", id: id)?["closedFlag"]?.boolValue == true)
            #expect(
                h.server.store.records("ticket_notes").contains {
                    $0["ticketId"]?.intValue == id && $0["resolutionFlag"]?.boolValue == true
                }
            )
            try await h.run(raise)
            #expect(alertTickets(h, "A-9").count == 2)  // a new occurrence after the old ticket closed
        }
    }

    @Test func seatSync() async throws {
        try await withRuntime { h in
            try await h.run(#"import "seats"\#nseats.sync_seats("ACME", "M365-BP", 27)"#)
            let acme = h.server.store.records("agreements").filter {
                $0["company"]?["identifier"]?.stringValue == "ACME"
            }.compactMap { $0["id"]?.intValue }
            let additions = h.server.store.records("agreement_additions").filter {
                acme.contains($0["agreementId"]!.intValue!) && $0["product"]?["identifier"]?.stringValue == "M365-BP"
            }
            #expect(!additions.isEmpty)
            #expect(additions.allSatisfy { $0["quantity"]?.doubleValue == 27 })
        }
    }

    @Test func configurationPushUpdatesInPlace() async throws {
        try await withRuntime { h in
            try await h.run(
                #"import "configurations"\#nconfigurations.push_configuration("ACME", "ACME-SRV9", "Server", "SN-1", "10.0.0.9")"#
            )
            try await h.run(
                #"import "configurations"\#nconfigurations.push_configuration("ACME", "ACME-SRV9", "Server", "SN-2", "10.0.0.10")"#
            )
            let matches = h.server.store.records("configurations").filter { $0["name"]?.stringValue == "ACME-SRV9" }
            #expect(matches.count == 1)
            #expect(matches.first?["serialNumber"]?.stringValue == "SN-2")
            #expect(matches.first?["company"]?["identifier"]?.stringValue == "ACME")
        }
    }

    @Test func tenantsMapToCompaniesByIdentifierOrName() async throws {
        let folder = try TemporaryFolder.make("cwql-tenants")
        let file = folder.appendingPathComponent("tenants.csv")
        try "tenant,company\ncontoso.example,ACME\nglobex.example,Globex Inc\nnobody.example,Nobody Inc\n".write(
            to: file,
            atomically: true,
            encoding: .utf8
        )
        try await withRuntime(tickets: 30) { h in
            let out = try await h.run("import \"tenants\"\ntenants.map((from \"\(file.path)\"))")
            let companies = h.server.store.records("companies")
            let acme = companies.first { $0["identifier"]?.stringValue == "ACME" }!["id"]!.intValue!
            let globex = companies.first { $0["name"]?.stringValue == "Globex Inc" }!
            #expect(
                out.split(separator: "\n").map(String.init) == [
                    "contoso.example → ACME (id \(acme))",
                    "globex.example → \(globex["identifier"]!.stringValue!) (id \(globex["id"]!.intValue!))",
                    "nobody.example: 0 companies named \"Nobody Inc\"; not mapped",
                ]
            )
        }
    }

    @Test func timeWriteback() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let out = try await h.run(
                #"import "time"\#ntime.log_time(9, 0.25, "From the timer")\#ntime.ticket_time(9) | where notes = "From the timer" | select actualHours"#
            )
            #expect(out == "{\"actualHours\":0.25}\n")
        }
    }

    @Test func staleReminders() async throws {
        try await withRuntime(options: { $0.assumeYes = true }) { h in
            try await h.run(#"import "reminders"\#nreminders.remind_stale("Help", 30)"#)
            // The harness's clock is fixed at noon of 2026-11-22: 30 days back is exactly this.
            let cutoff = "2026-10-23T12:00:00Z"
            let stale = h.server.store.records("tickets").filter {
                $0["board"]?["name"]?.stringValue == "Help" && $0["closedFlag"]?.boolValue == false
                    && ($0["_info"]?["lastUpdated"]?.stringValue ?? "") < cutoff
            }.compactMap { $0["id"]?.intValue }
            let reminded = h.server.store.records("ticket_notes").filter {
                $0["text"]?.stringValue?.hasPrefix("Reminder:") == true
            }
            .compactMap { $0["ticketId"]?.intValue }
            #expect(!reminded.isEmpty)
            #expect(Set(reminded) == Set(stale))
            #expect(reminded.count == Set(reminded).count)
        }
    }
}

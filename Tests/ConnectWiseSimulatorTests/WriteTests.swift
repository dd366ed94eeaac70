import CWJSON
import Testing

@Suite("Simulator: a write-then-read round trip for every write kind")
struct WriteTests {
    @Test func createTicketByNamesThenRead() async throws {
        try await withSimulator { sim in
            let created = try await sim.send(
                .POST,
                "/service/tickets",
                body: """
                    {"summary": "Disk full on SRV09", "board": {"name": "Alerts"}, "company": {"identifier": "ACME"},
                     "priority": {"name": "P1"}, "customFields": [{"id": 1, "caption": "Alert ID", "value": "A-1"}]}
                    """
            )
            #expect(created.status == 201)
            let id = try #require(created.json?["id"]?.intValue)
            let read = try await sim.send(.GET, "/service/tickets/\(id)")
            #expect(read.json?["summary"]?.stringValue == "Disk full on SRV09")
            #expect(read.json?.value(atPath: "board/name")?.stringValue == "Alerts")
            #expect(read.json?.value(atPath: "company/identifier")?.stringValue == "ACME")
            #expect(read.json?.value(atPath: "company/id")?.intValue != nil)
            #expect(read.json?.value(atPath: "status/name")?.stringValue == "New")
            #expect(read.json?["closedFlag"]?.boolValue == false)
            #expect(read.json?.value(atPath: "_info/enteredBy")?.stringValue == "api-demo")
            let bySearch = try await sim.send(
                .GET,
                "/service/tickets",
                query: ["customFieldConditions": "caption = \"Alert ID\" and value = \"A-1\""]
            )
            #expect(bySearch.ids == [id])
        }
    }

    @Test func createRejectsMissingAndUnknownReferences() async throws {
        try await withSimulator { sim in
            // The spec requires only a ticket's summary.
            let missing = try await sim.send(.POST, "/service/tickets", body: #"{"board": {"name": "Alerts"}}"#)
            #expect(missing.status == 400)
            #expect(missing.json?["message"]?.stringValue == "summary is required")
            let invented = try await sim.send(
                .POST,
                "/service/tickets",
                body: #"{"summary": "x", "dateEntered": "2026-01-01T00:00:00Z"}"#
            )
            #expect(invented.status == 400)
            #expect(invented.json?["code"]?.stringValue == "InvalidObject")
            #expect(invented.json?["message"]?.stringValue?.contains("dateEntered") == true)
            let unknown = try await sim.send(
                .POST,
                "/service/tickets",
                body: #"{"summary": "x", "board": {"name": "Nope"}, "company": {"identifier": "ACME"}}"#
            )
            #expect(unknown.status == 400)
            #expect(unknown.json?["message"]?.stringValue?.contains("Nope") == true)
            let notJSON = try await sim.send(.POST, "/service/tickets", body: "{summary")
            #expect(notJSON.status == 400)
        }
    }

    @Test func patchToTheBoardsClosedStatusClosesTheTicket() async throws {
        try await withSimulator { sim in
            let open = try await sim.send(
                .GET,
                "/service/tickets",
                query: ["conditions": "board/name = \"Help\" and closedFlag = false", "pageSize": "1"]
            )
            let ticket = try #require(open.array.first)
            let id = try #require(ticket["id"]?.intValue)
            let before = try #require(ticket.value(atPath: "_info/lastUpdated")?.stringValue)
            let statuses = try await sim.send(
                .GET,
                "/service/boards/\(ticket.value(atPath: "board/id")!.intValue!)/statuses",
                query: ["conditions": "closedStatus = true"]
            )
            let closedId = try #require(statuses.ids.first)
            let patched = try await sim.send(
                .PATCH,
                "/service/tickets/\(id)",
                body: #"[{"op": "replace", "path": "status/id", "value": \#(closedId)}]"#
            )
            #expect(patched.status == 200)
            let read = try await sim.send(.GET, "/service/tickets/\(id)")
            #expect(read.json?["closedFlag"]?.boolValue == true)
            #expect(read.json?.value(atPath: "status/name")?.stringValue == "Closed")
            #expect(read.json?.value(atPath: "_info/lastUpdated")?.stringValue != before)
            let wrongBoard = try await sim.send(
                .PATCH,
                "/service/tickets/\(id)",
                body: #"[{"op": "replace", "path": "status", "value": {"id": 99999}}]"#
            )
            #expect(wrongBoard.status == 400)
            let badOp = try await sim.send(
                .PATCH,
                "/service/tickets/\(id)",
                body: #"[{"op": "Frobnicate", "path": "summary", "value": 1}]"#
            )
            #expect(badOp.status == 400)
            let notArray = try await sim.send(.PATCH, "/service/tickets/\(id)", body: #"{"summary": "x"}"#)
            #expect(notArray.status == 400)
        }
    }

    @Test func patchKeepsFalseAndZeroAndRemoves() async throws {
        try await withSimulator { sim in
            let id = 1
            let patched = try await sim.send(
                .PATCH,
                "/service/tickets/\(id)",
                body: """
                    [{"op": "replace", "path": "budgetHours", "value": 0}, {"op": "replace", "path": "approved", "value": false},
                     {"op": "remove", "path": "owner"}, {"op": "replace", "path": "summary", "value": "Renamed"}]
                    """
            )
            #expect(patched.status == 200)
            let read = try await sim.send(.GET, "/service/tickets/\(id)")
            #expect(read.json?["budgetHours"] == .int(0))
            #expect(read.json?["approved"] == .bool(false))
            #expect(read.json?["owner"] == nil, "ConnectWise leaves a field without a value out")
            #expect(read.json?["summary"]?.stringValue == "Renamed")
        }
    }

    @Test func putReplacesAndDeleteRemoves() async throws {
        try await withSimulator { sim in
            let put = try await sim.send(
                .PUT,
                "/company/contacts/1",
                body: #"{"firstName": "Zed", "lastName": "Zane", "company": {"identifier": "GLOBEX"}}"#
            )
            #expect(put.status == 200)
            let read = try await sim.send(.GET, "/company/contacts/1")
            #expect(read.json?["firstName"]?.stringValue == "Zed")
            #expect(read.json?.value(atPath: "company/identifier")?.stringValue == "GLOBEX")
            let deleted = try await sim.send(.DELETE, "/company/contacts/1")
            #expect(deleted.status == 204)
            let gone = try await sim.send(.GET, "/company/contacts/1")
            #expect(gone.status == 404)
            let again = try await sim.send(.DELETE, "/company/contacts/1")
            #expect(again.status == 404)
        }
    }

    @Test func notesNeedADisplayFlag() async throws {
        try await withSimulator { sim in
            let refused = try await sim.send(.POST, "/service/tickets/5/notes", body: #"{"text": "hello"}"#)
            #expect(refused.status == 400)
            #expect(refused.json?["message"]?.stringValue == "Please choose where to display the notes")
            let added = try await sim.send(
                .POST,
                "/service/tickets/5/notes",
                body: #"{"text": "hello", "internalAnalysisFlag": true}"#
            )
            #expect(added.status == 201)
            let notes = try await sim.send(
                .GET,
                "/service/tickets/5/notes",
                query: ["conditions": "internalAnalysisFlag = true"]
            )
            #expect(notes.array.contains { $0["text"]?.stringValue == "hello" && $0["ticketId"]?.intValue == 5 })
            let count = try await sim.send(.GET, "/service/tickets/5/notes/count")
            #expect(
                count.json?["count"]?.intValue
                    == sim.server.store.records("ticket_notes").filter { $0["ticketId"]?.intValue == 5 }.count
            )
            let noTicket = try await sim.send(
                .POST,
                "/service/tickets/999999/notes",
                body: #"{"text": "x", "detailDescriptionFlag": true}"#
            )
            #expect(noTicket.status == 404)
        }
    }

    @Test func timeEntriesChargeToTickets() async throws {
        try await withSimulator { sim in
            let added = try await sim.send(
                .POST,
                "/time/entries",
                body: """
                    {"chargeToId": 7, "chargeToType": "ServiceTicket", "actualHours": 0.5, "notes": "Checked backups",
                     "timeStart": "2026-11-20T09:00:00Z"}
                    """
            )
            #expect(added.status == 201)
            #expect(added.json?["timeEnd"]?.stringValue == "2026-11-20T09:30:00Z")
            let listed = try await sim.send(
                .GET,
                "/time/entries",
                query: ["conditions": "chargeToId = 7 and notes = \"Checked backups\""]
            )
            #expect(listed.ids == [added.json!["id"]!.intValue!])
            #expect(listed.array.first?.value(atPath: "member/identifier")?.stringValue == "api-demo")
            let badTicket = try await sim.send(
                .POST,
                "/time/entries",
                body: #"{"chargeToId": 999999, "chargeToType": "ServiceTicket", "actualHours": 1}"#
            )
            #expect(badTicket.status == 400)
        }
    }

    @Test func agreementAdditionsRoundTrip() async throws {
        try await withSimulator { sim in
            let added = try await sim.send(
                .POST,
                "/finance/agreements/2/additions",
                body: #"{"product": {"identifier": "NEW-SKU"}, "quantity": 12}"#
            )
            #expect(added.status == 201)
            let id = try #require(added.json?["id"]?.intValue)
            let patched = try await sim.send(
                .PATCH,
                "/finance/agreements/2/additions/\(id)",
                body: #"[{"op": "replace", "path": "quantity", "value": 15}]"#
            )
            #expect(patched.status == 200)
            let read = try await sim.send(
                .GET,
                "/finance/agreements/2/additions",
                query: ["conditions": "product/identifier = \"NEW-SKU\""]
            )
            #expect(read.array.first?["quantity"]?.doubleValue == 15)
            let elsewhere = try await sim.send(.GET, "/finance/agreements/3/additions/\(id)")
            #expect(elsewhere.status == 404)
        }
    }
}

import CWJSON
import Foundation
import Synchronization
import Testing

@testable import CWQLRuntime

@Suite("Interpreter: writes, dry-run, confirmation, reports")
struct WriteStageTests {
    @Test func aCustomFieldIsWrittenWithTheWholeArray() async throws {
        try await withRuntime { h in
            // A ticket whose Seats and Review Date have values.
            let ticket = try #require(
                h.server.store.records("tickets").first { record in
                    let fields = record["customFields"]?.arrayValue ?? []
                    return fields.count == 4
                        && fields.allSatisfy { $0["caption"]?.stringValue == "Alert ID" || $0["value"] != .null }
                }
            )
            let id = try #require(ticket["id"]?.intValue)
            let before = try #require(ticket["customFields"]?.arrayValue)
            try await h.run(#"tickets where id = \#(id) | set custom("Alert ID") = "A-1", custom("monitored") = true"#)
            // The PATCH carried every custom field: the two set changed, the others kept their values
            // (a one-element array, as cwql sent before, clears the others on ConnectWise).
            let patch = try #require(h.requests.last { $0.method == "PATCH" })
            #expect(patch.body.contains("Seats") && patch.body.contains("Review Date"))
            let after = try #require(h.server.store.record("tickets", id: id)?["customFields"]?.arrayValue)
            func value(_ caption: String, in fields: [JSON]) -> JSON? {
                fields.first { $0["caption"]?.stringValue == caption }?["value"]
            }
            #expect(value("Alert ID", in: after) == .string("A-1"))
            #expect(value("Monitored", in: after) == .bool(true))
            #expect(value("Seats", in: after)?.doubleValue == value("Seats", in: before)?.doubleValue)
            #expect(value("Review Date", in: after) == value("Review Date", in: before))
            // A caption the records do not have is named, and nothing is sent.
            let failure = try #require(await h.failure(#"tickets where id = \#(id) | set custom("Nope") = 1"#))
            #expect(failure.description.contains("no custom field \"Nope\""))
        }
    }

    @Test func aFalse200IsAFailureNotASuccess() async throws {
        try await withRuntime({ $0.quirks = [.ignoreNestedPatches] }) { h in
            // A plain field is applied and verified; a value inside an object is ignored with a
            // 200 by this server, and cwql says so instead of "done".
            try await h.run(#"tickets where id = 2 | set summary = "Verified""#)
            #expect(h.output.stderr.contains("set: 1 ticket done"))
            let other = try #require(
                h.server.store.records("tickets").first {
                    $0["owner"]?["identifier"]?.stringValue != "jsmith" && $0["closedFlag"]?.boolValue == false
                }?["id"]?.intValue
            )
            let failure = try #require(await h.failure("tickets where id = \(other) | assign jsmith"))
            #expect(failure.kind == .runtime)
            #expect(h.output.stderr.contains("0 tickets done, 1 failed"))
            #expect(h.output.stderr.contains("ConnectWise answered 200 but did not apply owner/id"))
            let closing = try #require(await h.failure("tickets where id = \(other) | close"))
            #expect(closing.description.contains("did not apply status/id"))
        }
    }

    @Test func verificationComparesAsConnectWiseMeansIt() {
        let record = try! JSONParser.parse(
            #"{"summary":"x","budgetHours":5,"owner":{"id":7},"requiredDate":"2026-01-31T00:00:00Z","customFields":[{"id":1,"value":"A-1"},{"id":4,"value":5}]}"#
        )
        func mismatches(_ operations: String) -> [String] {
            var missing: [String] = []
            let found = WriteVerification.mismatches(
                of: try! JSONParser.parse(operations),
                in: record,
                missing: &missing
            )
            return found.map(\.path) + missing.map { "missing " + $0 }
        }
        #expect(
            mismatches(
                #"[{"op":"replace","path":"summary","value":"x"},{"op":"replace","path":"budgetHours","value":5.0}]"#
            ) == []
        )
        #expect(mismatches(#"[{"op":"replace","path":"owner/id","value":8}]"#) == ["owner/id"])
        #expect(mismatches(#"[{"op":"replace","path":"requiredDate","value":"2026-01-31T00:00:00.000Z"}]"#) == [])
        #expect(mismatches(#"[{"op":"replace","path":"/closedFlag","value":true}]"#) == ["missing closedFlag"])
        #expect(
            mismatches(
                #"[{"op":"replace","path":"customFields","value":[{"id":1,"caption":"Alert ID","value":"A-2"},{"id":4,"value":5.0}]}]"#
            )
                == ["custom(\"Alert ID\")"]
        )
    }

    @Test func logTakesAMemberAWorkTypeAndAStart() async throws {
        try await withRuntime { h in
            let before = Set(h.server.store.records("time_entries").compactMap { $0["id"]?.intValue })
            try await h.run(
                #"tickets where id = 4 | log 1.5h "Patched the server" member mchen worktype "Remote Work Type" start 2026-11-20T09:00:00Z"#
            )
            let made = h.server.store.records("time_entries").filter { !before.contains($0["id"]?.intValue ?? 0) }
            #expect(made.count == 1)
            let entry = try #require(made.first)
            #expect(entry["chargeToId"]?.intValue == 4)
            #expect(entry["actualHours"]?.doubleValue == 1.5)
            #expect(entry["member"]?["identifier"]?.stringValue == "mchen")
            #expect(entry["workType"]?["name"]?.stringValue == "Remote Work Type")
            #expect(entry["timeStart"]?.stringValue == "2026-11-20T09:00:00Z")
            // A member that does not exist is named, with the record.
            let failure = try #require(await h.failure(#"tickets where id = 4 | log 1h member nobody"#))
            #expect(failure.description.contains("no member with identifier \"nobody\""))
        }
    }

    @Test func noteAddsOneNoteWithItsFlags() async throws {
        try await withRuntime { h in
            try await h.run(#"tickets where id in (3, 4) | note "Checked by automation" internal"#)
            let notes = h.server.store.records("ticket_notes").filter {
                $0["text"]?.stringValue == "Checked by automation"
            }
            #expect(notes.compactMap { $0["ticketId"]?.intValue }.sorted() == [3, 4])
            #expect(
                notes.allSatisfy {
                    $0["internalAnalysisFlag"]?.boolValue == true && $0["detailDescriptionFlag"]?.boolValue == false
                }
            )
            #expect(h.requests.filter { $0.method == "POST" }.count == 2)
            #expect(h.requests.first?.query.contains("fields=id") == true)
            #expect(h.output.stderr.contains("note: 2 tickets done"))
        }
    }

    @Test func closeUsesEachBoardsOwnClosedStatus() async throws {
        try await withRuntime { h in
            let tickets = h.server.store.records("tickets")
            let help = tickets.first {
                $0["board"]?["name"]?.stringValue == "Help" && $0["closedFlag"]?.boolValue == false
            }!["id"]!.intValue!
            let alert = tickets.first {
                $0["board"]?["name"]?.stringValue == "Alerts" && $0["closedFlag"]?.boolValue == false
            }!["id"]!.intValue!
            try await h.run("tickets where id in (\(help), \(alert)) | close")
            #expect(h.server.store.record("tickets", id: help)?["status"]?["name"]?.stringValue == "Closed")
            #expect(h.server.store.record("tickets", id: alert)?["status"]?["name"]?.stringValue == "Resolved")
            #expect(h.server.store.record("tickets", id: alert)?["closedFlag"]?.boolValue == true)
            // A second close skips them.
            try await h.run("tickets where id in (\(help), \(alert)) | close")
            #expect(h.output.stderr.contains("2 skipped (already closed)"))
            #expect(h.requests.filter { $0.method == "PATCH" }.isEmpty)
        }
    }

    @Test func setAssignAndLog() async throws {
        try await withRuntime { h in
            try await h.run(
                #"tickets where id = 7 | set summary = "Renamed", priority = P1, budgetHours = 0, approved = false"#
            )
            let ticket = try #require(h.server.store.record("tickets", id: 7))
            #expect(ticket["summary"]?.stringValue == "Renamed")
            #expect(ticket["priority"]?["name"]?.stringValue == "P1")
            #expect(ticket["budgetHours"]?.doubleValue == 0)
            #expect(ticket["approved"]?.boolValue == false)
            try await h.run("tickets where id = 7 | assign agarcia")
            #expect(h.server.store.record("tickets", id: 7)?["owner"]?["identifier"]?.stringValue == "agarcia")
            try await h.run(#"tickets where id = 7 | log 0.5h "Checked backups""#)
            let entries = h.server.store.records("time_entries").filter {
                $0["chargeToId"]?.intValue == 7 && $0["notes"]?.stringValue == "Checked backups"
            }
            #expect(entries.count == 1)
            #expect(entries.first?["actualHours"]?.doubleValue == 0.5)
            try await h.run(#"tickets where id = 7 | set status = "Waiting on Client""#)
            #expect(h.server.store.record("tickets", id: 7)?["status"]?["name"]?.stringValue == "Waiting on Client")
        }
    }

    @Test func unknownNamesFailWithTheirLocation() async throws {
        try await withRuntime { h in
            let error = try #require(await h.failure("tickets where id = 7 | assign agarcai"))
            #expect(error.kind == .runtime)
            #expect(error.description.contains("no member with identifier \"agarcai\"; did you mean \"agarcia\"?"))
            #expect(h.server.store.record("tickets", id: 7)?["owner"]?["identifier"]?.stringValue != "agarcai")
            let create = try #require(
                await h.failure(#"create ticket { summary: "x", board: "Alertz", company: ACME }"#)
            )
            #expect(create.description.contains("--> test.cwql:1:"))
            #expect(create.description.contains("did you mean \"Alerts\"?"))
        }
    }

    @Test func dryRunSendsNoWrite() async throws {
        try await withRuntime(options: { $0.dryRun = true }) { h in
            let before = h.server.store.count("ticket_notes")
            let out = try await h.run(#"tickets where id in (1, 2) | note "x""#)
            #expect(out.contains("POST /service/tickets/1/notes {\"text\":\"x\""))
            #expect(out.contains("POST /service/tickets/2/notes"))
            #expect(h.server.store.count("ticket_notes") == before)
            #expect(h.requests.allSatisfy { $0.method == "GET" })
            let created = try await h.run(#"create ticket { summary: "x", board: "Alerts", company: ACME }"#)
            #expect(created.hasPrefix("POST /service/tickets {\"summary\":\"x\",\"board\":{\"id\":2}"))
            #expect(h.requests.allSatisfy { $0.method == "GET" })
        }
    }

    @Test func bulkWritesAndDeletesNeedConfirmation() async throws {
        try await withRuntime { h in
            let before = h.server.store.count("ticket_notes")
            let error = try #require(await h.failure(#"tickets where board = Help | note "bulk""#))
            #expect(error.description.contains("this would note"))
            #expect(error.description.contains("--yes"))
            #expect(h.server.store.count("ticket_notes") == before)
            let delete = try #require(await h.failure("companies where identifier = HOOLI | delete"))
            #expect(delete.description.contains("this would delete 1 company"))
            #expect(h.server.store.records("companies").contains { $0["identifier"]?.stringValue == "HOOLI" })
            h.interpreter.runOptions.confirm = { _ in false }
            try await h.run("companies where identifier = HOOLI | delete")
            #expect(h.output.stderr.contains("cancelled; nothing was changed"))
            h.interpreter.runOptions.confirm = { question in question == "delete 1 company?" }
            try await h.run("companies where identifier = HOOLI | delete")
            #expect(!h.server.store.records("companies").contains { $0["identifier"]?.stringValue == "HOOLI" })
        }
    }

    @Test func aLoopThatWritesManyTimesNeedsConfirmation() async throws {
        try await withRuntime { h in
            let before = h.server.store.count("ticket_notes")
            let loop = #"for $t in (tickets | sort id | take 30) { tickets where id = $t.id | note "X" }"#
            // Thirty one-record notes are a bulk write, as one statement noting thirty would be.
            let refused = try #require(await h.failure(loop))
            #expect(refused.description.contains("this loop writes on each of its 30 passes; nothing was changed"))
            #expect(h.server.store.count("ticket_notes") == before)
            // Through a procedure too.
            let procedure = try #require(
                await h.failure(
                    #"def mark(id) { tickets where id = $id | note "X" }"# + "\n"
                        + #"for $t in (tickets | take 25) { mark($t.id) }"#
                )
            )
            #expect(procedure.description.contains("25 passes"))
            #expect(h.server.store.count("ticket_notes") == before)
            // Asked once, and then every pass writes without asking again.
            let asked = Mutex<[String]>([])
            h.interpreter.runOptions.confirm = { question in
                asked.withLock { $0.append(question) }
                return true
            }
            try await h.run(loop)
            #expect(asked.withLock { $0 } == ["run a loop that writes, 30 times?"])
            #expect(h.server.store.count("ticket_notes") == before + 30)
            // A short loop, or one that only reads, asks nothing.
            asked.withLock { $0 = [] }
            try await h.run(#"for $t in (tickets | take 5) { tickets where id = $t.id | note "Y" }"#)
            try await h.run(#"for $t in (tickets | take 50) { print $t.id }"#)
            #expect(asked.withLock { $0 }.isEmpty)
        }
    }

    @Test func bulkNoteUnderFaultsAddsExactlyOneEach() async throws {
        try await withRuntime(
            tickets: 600,
            options: { $0.assumeYes = true },
            {
                $0.failRate = 0.1
                $0.seed = 5
            }
        ) { h in
            try await h.run(#"tickets where id <= 500 | note "Fault-tolerant note""#)
            let notes = h.server.store.records("ticket_notes").filter {
                $0["text"]?.stringValue == "Fault-tolerant note"
            }
            #expect(notes.count == 500)
            #expect(Set(notes.compactMap { $0["ticketId"]?.intValue }) == Set(1...500))
            #expect(h.server.log.all.contains { $0.fault == "dropped" && $0.method == "POST" })
            #expect(h.output.stderr.contains("note: 500 tickets done"))
        }
    }

    @Test func closingAllOpenTicketsWhileWalkingThemClosesAll() async throws {
        try await withRuntime(tickets: 3000, options: { $0.assumeYes = true }) { h in
            let before = h.server.store.records("tickets").filter { $0["closedFlag"]?.boolValue == false }.count
            #expect(before > 1000)
            try await h.run("tickets where closed = false | close")
            let stillOpen = h.server.store.records("tickets").filter { $0["closedFlag"]?.boolValue == false }
            #expect(stillOpen.count == 0)
            #expect(h.output.stderr.contains("close: \(before) tickets done"))
        }
    }

    @Test func upsertRunTwiceMakesNoDuplicate() async throws {
        try await withRuntime { h in
            let script = #"""
                upsert ticket where board = "Alerts" and closed = false and custom("Alert ID") = "A-42" {
                  summary: "Alert 42", board: "Alerts", company: ACME, custom("Alert ID"): "A-42"
                }
                """#
            try await h.run(script)
            try await h.run(script)
            let matches = h.server.store.records("tickets").filter { ticket in
                (ticket["customFields"]?.arrayValue ?? []).contains { $0["value"]?.stringValue == "A-42" }
            }
            #expect(matches.count == 1)
            #expect(h.output.stderr.contains("updated ticket \(matches[0]["id"]!.intValue!)"))
        }
    }
}

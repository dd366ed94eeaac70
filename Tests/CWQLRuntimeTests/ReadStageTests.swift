import CWJSON
import CWQLRuntime
import Foundation
import Testing

@Suite("Interpreter: read stages, pushed to the server where they can be")
struct ReadStageTests {
    func ids(_ h: RuntimeHarness, _ predicate: (JSONObject) -> Bool) -> [Int] {
        h.server.store.records("tickets").filter(predicate).compactMap { $0["id"]?.intValue }
    }

    @Test func countIsOneCountRequest() async throws {
        try await withRuntime { h in
            let out = try await h.run(#"tickets where board = "Help" and status != Closed | count"#)
            let expected = ids(h) {
                $0["board"]?["name"]?.stringValue == "Help" && $0["status"]?["name"]?.stringValue != "Closed"
            }.count
            #expect(out == "\(expected)\n")
            #expect(h.requests.map(\.path) == ["/service/tickets/count"])
        }
    }

    @Test func takeAfterAChildStageCapsAllParentsTogether() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            // Each ticket's notes are their own request; `take 3` is three notes in all, not three per ticket.
            let out = try await h.run("tickets | notes | take 3 | select id, text")
            #expect(out.split(separator: "\n").count == 3)
            let sites = try await h.run("companies | sites | take 4 | select id")
            #expect(sites.split(separator: "\n").count == 4)
        }
    }

    @Test func selectSortTakeArePushed() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let out = try await h.run(
                "tickets where board = Help | sort entered desc | take 5 | select id, summary, status, company"
            )
            let lines = out.split(separator: "\n").map { try! JSONParser.parse(String($0)) }
            #expect(lines.count == 5)
            #expect(lines[0].objectValue?.keys == ["id", "summary", "status", "company"])
            let help = h.server.store.records("tickets").filter { $0["board"]?["name"]?.stringValue == "Help" }
                .sorted {
                    ($0["_info"]!["dateEntered"]!.stringValue!, $0["id"]!.intValue!) > (
                        $1["_info"]!["dateEntered"]!.stringValue!, $1["id"]!.intValue!
                    )
                }
            #expect(lines.compactMap { $0["id"]?.intValue } == help.prefix(5).compactMap { $0["id"]?.intValue })
            #expect(h.requests.count == 1)
            let query = h.requests[0].query
            #expect(query.contains("orderBy=_info/dateEntered%20desc"))
            #expect(query.contains("fields=id,summary,status/name,company/identifier"))
            #expect(query.contains("pageSize=5"))
        }
    }

    @Test func stagesAfterSelectFetchWhatTheyRead() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            func idsOf(_ out: String) -> [Int] {
                out.split(separator: "\n").compactMap { try? JSONParser.parse(String($0))["id"]?.intValue }
            }
            // A sort after a select sorts by a field the select dropped: fetched all the same.
            let sortedAfter = try await h.run("tickets | select id | sort summary, id | take 5")
            let sortedBefore = try await h.run("tickets | sort summary, id | take 5 | select id")
            #expect(idsOf(sortedAfter) == idsOf(sortedBefore))
            #expect(idsOf(sortedAfter).count == 5)
            #expect(
                sortedAfter.split(separator: "\n").allSatisfy {
                    (try? JSONParser.parse(String($0)))?.objectValue?.keys == ["id"]
                }
            )
            // A filter after a select reads its field; the count matches the server's.
            let filtered = try await h.run(#"tickets | select id | where summary ~ "disk" | count"#)
            let counted = try await h.run(#"tickets where summary ~ "disk" | count"#)
            #expect(filtered == counted)
            #expect(!filtered.contains(#""count":0}"#))
            // A second select reads the fields the first dropped.
            let reselected = try await h.run("tickets | select id | select summary | take 2")
            let summaries = reselected.split(separator: "\n").compactMap {
                try? JSONParser.parse(String($0))["summary"]?.stringValue
            }
            #expect(summaries.count == 2)
        }
        try await withRuntime(options: { $0.format = .json }) { h in
            let out = try await h.run("tickets | select id | count by status")
            let groups = try JSONParser.parse(out).arrayValue ?? []
            #expect(groups.count > 1)
            #expect(!groups.contains { $0["status"] == nil || $0["status"] == .null })
        }
    }

    @Test func countByGroupsOnTheClient() async throws {
        try await withRuntime(options: { $0.format = .json }) { h in
            let out = try await h.run("tickets where company = ACME | count by status")
            let groups = try JSONParser.parse(out).arrayValue ?? []
            var expected: [String: Int] = [:]
            for ticket in h.server.store.records("tickets")
            where ticket["company"]?["identifier"]?.stringValue == "ACME" {
                expected[ticket["status"]!["name"]!.stringValue!, default: 0] += 1
            }
            #expect(
                Dictionary(uniqueKeysWithValues: groups.map { ($0["status"]!.stringValue!, $0["count"]!.intValue!) })
                    == expected
            )
            #expect(h.requests.allSatisfy { $0.query.contains("fields=status/name") })
        }
    }

    @Test func whereAfterTakeFiltersTheTakenRecords() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let out = try await h.run("tickets | take 50 | where board = Help and not priority in (P1)")
            let got = out.split(separator: "\n").compactMap { try? JSONParser.parse(String($0))["id"]?.intValue }
            let expected = ids(h) {
                $0["id"]!.intValue! <= 50 && $0["board"]?["name"]?.stringValue == "Help"
                    && $0["priority"]?["name"]?.stringValue != "P1"
            }
            #expect(got == expected)
            #expect(!got.isEmpty)
            #expect(h.requests.count == 1)
        }
    }

    @Test func childCollections() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let notes = try await h.run("ticket 5 | notes | select id, text")
            let expected = h.server.store.records("ticket_notes").filter { $0["ticketId"]?.intValue == 5 }
            #expect(notes.split(separator: "\n").count == expected.count)
            let contacts = try await h.run("companies where identifier = ACME | contacts | select firstName, company")
            let rows = contacts.split(separator: "\n").map { try! JSONParser.parse(String($0)) }
            #expect(rows.count == 3)
            #expect(rows.allSatisfy { $0["company"]?.stringValue == "ACME" })
            #expect(h.requests.last?.query.contains("company/id%20in%20%28") == true)
            let additions = try await h.run(#"agreements where company = ACME | additions | select product, quantity"#)
            #expect(!additions.isEmpty)
        }
    }

    @Test func outputFormats() async throws {
        try await withRuntime(options: { $0.format = .csv }) { h in
            let csv = try await h.run(#"tickets where id in (1, 2) | select id, summary"#)
            let lines = csv.split(separator: "\n")
            #expect(lines.first == "id,summary")
            #expect(lines.count == 3)
            h.interpreter.runOptions.format = .table
            let table = try await h.run(#"tickets where id in (1, 2) | select id, summary"#)
            #expect(table.hasPrefix("id | summary\n---+-"))
            #expect(table.hasSuffix("(2 rows)\n"))
            h.interpreter.runOptions.format = .json
            let json = try await h.run(#"tickets where id = 1 | select id"#)
            #expect(try JSONParser.parse(json) == .array([.object(JSONObject(["id": .int(1)]))]))
            let empty = try await h.run(#"tickets where id = 0 | select id"#)
            #expect(empty == "[]\n")
        }
    }

    @Test func takeOnAStreamStopsFetching() async throws {
        try await withRuntime(tickets: 3000) { h in
            _ = try await h.run("tickets | where board = Help | take 3")
            // The where is pushed; take is pushed too: one small request.
            #expect(h.requests.count == 1)
            #expect(h.requests[0].query.contains("pageSize=3"))
        }
    }
}

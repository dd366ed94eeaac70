import CWJSON
import CWQLRuntime
import Foundation
import Testing

/// Aggregates run against the simulator, each checked against the simulator's own data
/// computed here independently.
@Suite("Interpreter: aggregates yield rows that flow into later stages")
struct AggregateTests {
    @Test func countByTwoKeysMatchesTheData() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let rows = try jsonLines(try await h.run("tickets | count by board, status"))
            var expected: [String: Int] = [:]
            for ticket in h.server.store.records("tickets") {
                let key = "\(ticket["board"]!["name"]!.stringValue!)/\(ticket["status"]!["name"]!.stringValue!)"
                expected[key, default: 0] += 1
            }
            var seen: [String: Int] = [:]
            for row in rows {
                #expect(row.objectValue?.keys == ["board", "status", "count"])
                seen["\(row["board"]!.stringValue!)/\(row["status"]!.stringValue!)"] = row["count"]?.intValue
            }
            #expect(seen == expected)
            // Largest groups first.
            let counts = rows.compactMap { $0["count"]?.intValue }
            #expect(counts == counts.sorted(by: >))
            // Only the keys were fetched.
            #expect(h.requests.allSatisfy { $0.query.contains("fields=board/name,status/name") })
        }
    }

    @Test func topCompaniesByOpenTickets() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let rows = try jsonLines(
                try await h.run("tickets where closed = false | count by company | sort count desc | take 3")
            )
            var open: [String: Int] = [:]
            for ticket in h.server.store.records("tickets") where ticket["closedFlag"]?.boolValue != true {
                open[ticket["company"]!["identifier"]!.stringValue!, default: 0] += 1
            }
            let top = open.values.sorted(by: >).prefix(3)
            #expect(rows.count == 3)
            #expect(rows.compactMap { $0["count"]?.intValue } == Array(top))
            for row in rows { #expect(open[row["company"]!.stringValue!] == row["count"]?.intValue) }
        }
    }

    @Test func sumAvgMinMaxPerMember() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let rows = try jsonLines(
                try await h.run(
                    "time_entries | summarize hours = sum(actualHours), n = count(), mean = avg(actualHours), least = min(actualHours), last = max(timeStart) by member"
                )
            )
            var hours: [String: Double] = [:]
            var count: [String: Int] = [:]
            var least: [String: Double] = [:]
            var last: [String: String] = [:]
            for entry in h.server.store.records("time_entries") {
                let member = entry["member"]!["identifier"]!.stringValue!
                let value = entry["actualHours"]?.doubleValue ?? 0
                hours[member, default: 0] += value
                count[member, default: 0] += 1
                least[member] = min(least[member] ?? .infinity, value)
                let start = entry["timeStart"]!.stringValue!
                if start > last[member] ?? "" { last[member] = start }
            }
            #expect(rows.count == hours.count)
            #expect(rows.map { $0["member"]!.stringValue! } == hours.keys.sorted())
            for row in rows {
                let member = row["member"]!.stringValue!
                #expect(abs(row["hours"]!.doubleValue! - hours[member]!) < 1e-6)
                #expect(row["n"]?.intValue == count[member])
                #expect(abs(row["mean"]!.doubleValue! - hours[member]! / Double(count[member]!)) < 1e-6)
                #expect(row["least"]?.doubleValue == least[member])
                #expect(row["last"]?.stringValue == last[member])
            }
        }
    }

    @Test func rowsFlowIntoWhereSelectAndCount() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let rows = try jsonLines(
                try await h.run("tickets | count by company | where count >= 60 | select company")
            )
            var perCompany: [String: Int] = [:]
            for ticket in h.server.store.records("tickets") {
                perCompany[ticket["company"]!["identifier"]!.stringValue!, default: 0] += 1
            }
            #expect(Set(rows.map { $0["company"]!.stringValue! }) == Set(perCompany.filter { $0.value >= 60 }.keys))
            #expect(rows.allSatisfy { $0.objectValue?.keys == ["company"] })
            let groups = try await h.run("tickets | count by company | count")
            #expect(groups == "{\"count\":\(perCompany.count)}\n")
        }
    }

    @Test func anAggregateWithoutKeysIsOneRowEvenOverNothing() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let none = try jsonLines(
                try await h.run(
                    "time_entries where id < 0 | summarize n = count(), h = sum(actualHours), a = avg(actualHours)"
                )
            )
            #expect(none.count == 1)
            #expect(none.first?["n"]?.intValue == 0)
            #expect(none.first?["h"]?.intValue == 0)
            #expect(none.first?["a"] == .null)
        }
    }

    @Test func rowsHeldByAVariableArePrintedAndFiltered() async throws {
        try await withRuntime { h in
            let out = try await h.run(
                """
                let g = (tickets | count by board)
                for $row in ($g | where count > 0 | sort board) { print $row.board }
                """
            )
            let boards = Set(h.server.store.records("tickets").map { $0["board"]!["name"]!.stringValue! })
            #expect(out == boards.sorted().map { $0 + "\n" }.joined())
        }
    }
}

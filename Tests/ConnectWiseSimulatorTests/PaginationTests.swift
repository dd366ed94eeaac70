import CWJSON
import Testing

@Suite("Simulator: both paginations over 10,000 records, without duplicates or gaps")
struct PaginationTests {
    @Test func forwardOnlyWalksEveryRecordOnce() async throws {
        try await withSimulator({ $0.tickets = 10_000 }) { sim in
            var seen: [Int] = []
            var url: String? = nil
            var requests = 0
            var reply = try await sim.send(
                .GET,
                "/service/tickets",
                query: ["pageSize": "1000", "fields": "id"],
                headers: [
                    "Authorization": SimulatorHarness.auth, "clientId": SimulatorHarness.clientId,
                    "pagination-type": "forward-only",
                ]
            )
            while true {
                requests += 1
                #expect(reply.status == 200)
                seen += reply.ids
                url = reply.nextLink
                guard let next = url, requests < 50 else { break }
                #expect(next.contains("pageId="))
                reply = try await sim.send(
                    .GET,
                    next,
                    headers: [
                        "Authorization": SimulatorHarness.auth,
                        "clientId": SimulatorHarness.clientId,
                        "pagination-type": "forward-only",
                    ]
                )
            }
            #expect(requests == 10)
            #expect(seen == Array(1...10_000))
        }
    }

    @Test func forwardOnlyWalksEveryPageWhenFieldsLeaveOutTheId() async throws {
        // Only the fields asked for are rendered; the next pageId still comes from the records.
        try await withSimulator({ $0.tickets = 2_500 }) { sim in
            let headers = [
                "Authorization": SimulatorHarness.auth, "clientId": SimulatorHarness.clientId,
                "pagination-type": "forward-only",
            ]
            var reply = try await sim.send(
                .GET,
                "/service/tickets",
                query: ["pageSize": "1000", "fields": "summary,board/name"],
                headers: headers
            )
            var records = 0
            var pages = 0
            while pages < 10 {
                pages += 1
                #expect(reply.status == 200)
                #expect(
                    reply.array.allSatisfy {
                        $0["id"] == nil && $0["summary"] != nil && $0["board"]?.objectValue?.keys == ["name"]
                    }
                )
                records += reply.array.count
                guard let next = reply.nextLink else { break }
                reply = try await sim.send(.GET, next, headers: headers)
            }
            #expect(pages == 3)
            #expect(records == 2_500)
        }
    }

    @Test func aPageFarPastTheEndIsEmptyNotACrash() async throws {
        try await withSimulator({ $0.tickets = 50 }) { sim in
            for page in ["9223372036854775807", "4611686018427387904", "1000000"] {
                let reply = try await sim.send(
                    .GET,
                    "/service/tickets",
                    query: ["page": page, "pageSize": "1000", "fields": "id"],
                    headers: ["Authorization": SimulatorHarness.auth, "clientId": SimulatorHarness.clientId]
                )
                #expect(reply.status == 200)
                #expect(reply.ids.isEmpty)
            }
        }
    }

    @Test func numberedPagesWalkEveryMatchOnce() async throws {
        try await withSimulator({ $0.tickets = 10_000 }) { sim in
            let conditions = "board/name = \"Help\""
            let total = try await sim.send(.GET, "/service/tickets/count", query: ["conditions": conditions])
            let expected = try #require(total.json?["count"]?.intValue)
            var seen: [Int] = []
            var page = 1
            while page < 100 {
                let reply = try await sim.send(
                    .GET,
                    "/service/tickets",
                    query: [
                        "conditions": conditions, "page": String(page), "pageSize": "1000", "orderBy": "id desc",
                        "fields": "id",
                    ]
                )
                seen += reply.ids
                if reply.nextLink == nil { break }
                page += 1
            }
            #expect(seen.count == expected)
            #expect(Set(seen).count == expected)
            #expect(seen == seen.sorted(by: >))
        }
    }

    @Test func forwardOnlyRejectsOrderBy() async throws {
        try await withSimulator { sim in
            let reply = try await sim.send(
                .GET,
                "/service/tickets",
                query: ["orderBy": "summary"],
                headers: [
                    "Authorization": SimulatorHarness.auth, "clientId": SimulatorHarness.clientId,
                    "pagination-type": "forward-only",
                ]
            )
            #expect(reply.status == 400)
        }
    }

    @Test func postSearchTakesConditionsInTheBody() async throws {
        try await withSimulator { sim in
            let reply = try await sim.send(
                .POST,
                "/service/tickets/search",
                query: ["pageSize": "1000"],
                body: #"{"conditions": "board/name = \"Alerts\""}"#
            )
            #expect(reply.status == 200)
            let expected = sim.server.store.records("tickets").filter { $0["board"]?["name"]?.stringValue == "Alerts" }
            #expect(reply.ids == expected.compactMap { $0["id"]?.intValue })
        }
    }
}

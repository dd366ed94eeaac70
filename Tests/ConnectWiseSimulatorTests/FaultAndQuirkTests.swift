import AsyncHTTPClient
import CWJSON
import ConnectWiseSimulator
import Foundation
import Testing

@Suite("Simulator: rate limits, injected faults, the request log, and each ConnectWise quirk")
struct FaultAndQuirkTests {
    let forwardOnly = [
        "Authorization": SimulatorHarness.auth, "clientId": SimulatorHarness.clientId,
        "pagination-type": "forward-only",
    ]

    @Test func rateLimitAnswers429WithRetryAfter() async throws {
        try await withSimulator({ $0.rateLimit = 1 }) { sim in
            // Twenty requests at once: within any one second, all but one are over the limit.
            let replies = try await withThrowingTaskGroup(of: SimulatorHarness.Reply.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await sim.send(.GET, "/service/tickets", query: ["pageSize": "1"]) }
                }
                var all: [SimulatorHarness.Reply] = []
                for try await reply in group { all.append(reply) }
                return all
            }
            let limited = replies.filter { $0.status == 429 }
            #expect(!limited.isEmpty)
            #expect(replies.contains { $0.status == 200 })
            #expect(limited.allSatisfy { $0.headers.first(name: "Retry-After") == "1" })
            #expect(sim.server.log.all.filter { $0.fault == "rate-limited" && $0.status == 429 }.count == limited.count)
        }
    }

    @Test func failRateFailsOrDropsAndLogsIt() async throws {
        try await withSimulator({ $0.failRate = 1.0 }) { sim in
            var failed = 0
            var dropped = 0
            for _ in 0..<12 {
                do {
                    let reply = try await sim.send(.GET, "/service/tickets", query: ["pageSize": "1"])
                    if reply.status == 503 { failed += 1 }
                } catch {
                    dropped += 1
                }
            }
            #expect(failed > 0)
            #expect(dropped > 0)
            #expect(failed + dropped == 12)
            let faults = sim.server.log.all.compactMap(\.fault)
            #expect(faults.filter { $0 == "failed" }.count == failed)
            #expect(faults.filter { $0 == "dropped" }.count == dropped)
        }
    }

    @Test func droppedWritesAreStillApplied() async throws {
        try await withSimulator({
            $0.failRate = 1.0
            $0.seed = 3
        }) { sim in
            let before = sim.server.store.count("ticket_notes")
            var dropped = 0
            for attempt in 0..<10 {
                do {
                    let reply = try await sim.send(
                        .POST,
                        "/service/tickets/1/notes",
                        body: #"{"text": "n\#(attempt)", "detailDescriptionFlag": true}"#
                    )
                    #expect(reply.status == 503)
                } catch {
                    dropped += 1
                }
            }
            #expect(dropped > 0)
            #expect(sim.server.store.count("ticket_notes") == before + dropped)
        }
    }

    @Test func requestLogCountsBytesAndRetries() async throws {
        try await withSimulator { sim in
            _ = try await sim.send(.GET, "/service/tickets", query: ["pageSize": "3"])
            _ = try await sim.send(
                .GET,
                "/service/tickets",
                query: ["pageSize": "3"],
                headers: [
                    "Authorization": SimulatorHarness.auth, "clientId": SimulatorHarness.clientId,
                    "x-cwql-attempt": "2",
                ]
            )
            #expect(sim.server.log.count == 2)
            #expect(sim.server.log.retried.count == 1)
            #expect(sim.server.log.bytes.sent > 0)
            #expect(sim.server.log.all[0].path == "/service/tickets")
            let summary = try await sim.send(.GET, "\(sim.server.baseURL)/__sim/requests", headers: [:])
            #expect(summary.json?["count"]?.intValue == 2)
            #expect(summary.json?["retried"]?.intValue == 1)
        }
    }

    @Test func pageIdLoopRepeatsTheCurrentPageId() async throws {
        try await withSimulator({
            $0.tickets = 50
            $0.quirks = [.pageIdLoop]
        }) { sim in
            let last = try await sim.send(
                .GET,
                "/service/tickets",
                query: ["pageSize": "1000", "pageId": "40"],
                headers: forwardOnly
            )
            #expect(last.ids == Array(41...50))
            let next = try #require(last.nextLink)
            #expect(next.contains("pageId=40"))
        }
    }

    @Test func missingLinkSendsNoLinkHeader() async throws {
        try await withSimulator({
            $0.tickets = 50
            $0.quirks = [.missingLink]
        }) { sim in
            let page = try await sim.send(.GET, "/service/tickets", query: ["pageSize": "10"], headers: forwardOnly)
            #expect(page.ids.count == 10)
            #expect(page.headers.first(name: "Link") == nil)
            let numbered = try await sim.send(.GET, "/service/tickets", query: ["page": "2", "pageSize": "10"])
            #expect(numbered.ids == Array(11...20))
            #expect(numbered.headers.first(name: "Link") == nil)
        }
    }

    @Test func timeoutBodyOnEveryThirdList() async throws {
        try await withSimulator({ $0.quirks = [.timeoutBody] }) { sim in
            var statuses: [Int] = []
            var message: String?
            for _ in 0..<6 {
                let reply = try await sim.send(.GET, "/service/tickets", query: ["pageSize": "1"])
                statuses.append(reply.status)
                if reply.status == 500 { message = reply.json?["message"]?.stringValue }
            }
            #expect(statuses == [200, 200, 500, 200, 200, 500])
            #expect(message == "A timeout has occured. Please try again.")
        }
    }

    @Test func unknownFieldsAre400ApiFindCondition() async throws {
        // ConnectWise's behaviour, not a quirk: every simulator does it.
        try await withSimulator { sim in
            let bad = try await sim.send(.GET, "/service/tickets", query: ["conditions": "bord/name = \"Help\""])
            #expect(bad.status == 400)
            #expect(bad.json?["code"]?.stringValue == "ApiFindCondition")
            let good = try await sim.send(
                .GET,
                "/service/tickets",
                query: ["conditions": "Board/Name = \"Help\"", "fields": "id,_info/lastUpdated"]
            )
            #expect(good.status == 200)
        }
    }

    @Test func longURLsAre414() async throws {
        try await withSimulator({ $0.quirks = [.urlLengthLimit] }) { sim in
            let ids = (1...600).map(String.init).joined(separator: ", ")
            let long = try await sim.send(.GET, "/service/tickets", query: ["conditions": "id in (\(ids))"])
            #expect(long.status == 414)
            let search = try await sim.send(
                .POST,
                "/service/tickets/search",
                body: JSONWriter.string(
                    .object(JSONObject(["conditions": .string("id in (\(ids))"), "pageSize": .int(1000)]))
                )
            )
            #expect(search.status == 200)
            #expect(search.ids.count == 300)
        }
    }

    @Test func codebaseMovesAfterAnUpgrade() async throws {
        try await withSimulator({ $0.quirks = [.movedCodebase] }) { sim in
            let oldRoot = "\(sim.server.baseURL)/v4_6_release/apis/3.0"
            var statuses: [Int] = []
            for _ in 0..<5 { statuses.append(try await sim.send(.GET, "\(oldRoot)/system/info").status) }
            #expect(statuses == [200, 200, 200, 404, 404])
            let info = try await sim.send(.GET, "\(sim.server.baseURL)/login/companyinfo/demo", headers: [:])
            #expect(info.json?["Codebase"]?.stringValue == "v2025_1/")
            let moved = try await sim.send(.GET, "\(sim.server.baseURL)/v2025_1/apis/3.0/system/info")
            #expect(moved.status == 200)
        }
    }

    @Test func writesAreAppliedThenRedirected() async throws {
        try await withSimulator({ $0.quirks = [.redirectWrites] }) { sim in
            let before = sim.server.store.count("ticket_notes")
            var request = HTTPClientRequest(url: "\(sim.apiRoot)/service/tickets/1/notes")
            request.method = .POST
            request.headers.add(name: "Authorization", value: SimulatorHarness.auth)
            request.headers.add(name: "clientId", value: SimulatorHarness.clientId)
            request.body = .bytes(.init(string: #"{"text": "x", "detailDescriptionFlag": true}"#))
            let client = HTTPClient(
                eventLoopGroupProvider: .singleton,
                configuration: .init(redirectConfiguration: .disallow)
            )
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: .seconds(30))
                try await client.shutdown()
            } catch {
                try? await client.shutdown()
                throw error
            }
            #expect(response.status.code == 302)
            #expect(response.headers.first(name: "Location")?.hasPrefix("http://") == true)
            #expect(sim.server.store.count("ticket_notes") == before + 1)
        }
    }

    @Test func webHostAnswersHTML() async throws {
        try await withSimulator({ $0.quirks = [.htmlWebHost] }) { sim in
            let reply = try await sim.send(.GET, "/service/tickets")
            #expect(reply.status == 200)
            #expect(reply.headers.first(name: "Content-Type")?.hasPrefix("text/html") == true)
            #expect(reply.json == nil)
        }
    }

    @Test func seededDataIsDeterministic() async throws {
        var first = SimulatorConfiguration()
        first.tickets = 200
        first.referenceDay = 1_795_305_600
        let a = try await SimulatorServer.start(first)
        let b = try await SimulatorServer.start(first)
        var other = first
        other.seed = 2
        let c = try await SimulatorServer.start(other)
        #expect(a.store.records("tickets") == b.store.records("tickets"))
        #expect(a.store.records("ticket_notes") == b.store.records("ticket_notes"))
        #expect(a.store.records("tickets") != c.store.records("tickets"))
        #expect(a.store.count("tickets") == 200)
        for server in [a, b, c] { await server.stop() }
    }

    @Test func aBusyPortIsAnErrorNotAHang() async throws {
        let first = try await SimulatorServer.start(SimulatorConfiguration())
        await #expect(throws: (any Error).self) {
            _ = try await SimulatorServer.start(SimulatorConfiguration(), port: first.port)
        }
        await first.stop()
    }
}

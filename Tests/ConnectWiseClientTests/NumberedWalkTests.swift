import CWJSON
import ConnectWiseClient
import ConnectWiseSimulator
import Foundation
import Testing

@Suite(
    "Numbered walks: the page window, prefetch, the /count fallback, failures and early stops",
    .timeLimit(.minutes(3))
)
struct NumberedWalkTests {
    /// A client with its own concurrency, prefetch and retry policy against a harness's simulator.
    func client(_ h: ClientHarness, concurrency: Int = 8, prefetch: Int = 0, attempts: Int = 8) -> ConnectWiseClient {
        h.site.client(
            credentials: h.site.credentials(),
            concurrency: concurrency,
            prefetch: prefetch,
            timeout: 20,
            retry: RetryPolicy(maximumAttempts: attempts, baseDelay: 0.005, maximumDelay: 0.05)
        )
    }

    func listRequests(_ h: ClientHarness) -> [LoggedRequest] {
        h.server.log.all.filter { !$0.path.hasPrefix("/login") }
    }

    func ids(_ records: [JSON]) -> [Int] { records.compactMap { $0["id"]?.intValue } }

    @Test func prefetchOnALongWalkSendsExactlyItsPages() async throws {
        try await withClient({ $0.tickets = 10_000 }) { h in
            let client = client(h, prefetch: 7)
            _ = try await client.apiRoot()
            h.server.log.reset()
            let records = try await client.records(
                ListRequest(path: "/service/tickets", fields: ["id"], walk: .fastest)
            ).collect()
            #expect(ids(records) == Array(1...10_000))
            let pages = listRequests(h).compactMap { request in
                request.query.split(separator: "&").first { $0.hasPrefix("page=") }.map { Int($0.dropFirst(5))! }
            }
            #expect(pages.sorted() == Array(1...10))
        }
    }

    @Test func prefetchOnAShortResultCostsItsSpeculativePages() async throws {
        try await withClient({
            $0.tickets = 300
            $0.listAnswersWaitForRequests = 4
        }) { h in
            let client = client(h, concurrency: 4, prefetch: 3)
            _ = try await client.apiRoot()
            h.server.log.reset()
            let records = try await client.records(ListRequest(path: "/service/tickets", orderBy: "id", fields: ["id"]))
                .collect()
            #expect(ids(records) == Array(1...300))
            // Page 1 and the three pages started before page 1 said it was the only one (the
            // simulator answers none before all four arrived; past the end, none is used).
            #expect(listRequests(h).count == 4)
        }
    }

    @Test func withoutPrefetchAShortResultIsOneRequest() async throws {
        try await withClient({ $0.tickets = 300 }) { h in
            let client = client(h)
            _ = try await client.apiRoot()
            h.server.log.reset()
            let records = try await client.records(
                ListRequest(path: "/service/tickets", fields: ["id"], walk: .fastest)
            ).collect()
            #expect(records.count == 300)
            #expect(listRequests(h).count == 1)
        }
    }

    @Test func aServerWithoutLinkHeadersIsAskedTheCount() async throws {
        try await withClient({
            $0.tickets = 4500
            $0.quirks = [.missingLink]
        }) { h in
            let client = client(h, concurrency: 3)
            _ = try await client.apiRoot()
            h.server.log.reset()
            let records = try await client.records(
                ListRequest(path: "/service/tickets", orderBy: "id desc", fields: ["id"])
            ).collect()
            #expect(ids(records) == Array((1...4500).reversed()))
            let requests = listRequests(h)
            #expect(requests.filter { $0.path == "/service/tickets/count" }.count == 1)
            #expect(requests.filter { $0.path == "/service/tickets" }.count == 5)
        }
    }

    @Test func aFailedPageEndsTheWalkAfterThePagesBeforeIt() async throws {
        try await withClient({
            $0.tickets = 9000
            $0.failRate = 0.3
            $0.seed = 5
        }) { h in
            // One attempt per request: the first failure is final.
            let client = client(h, concurrency: 6, attempts: 1)
            var received: [Int] = []
            var failure: (any Error)?
            do {
                for try await record in client.records(
                    ListRequest(path: "/service/tickets", orderBy: "id", fields: ["id"])
                ) {
                    received.append(record["id"]?.intValue ?? 0)
                }
            } catch {
                failure = error
            }
            #expect(failure != nil)
            #expect(!received.isEmpty)  // the seed lets page 1 through
            // Whole pages, in order, with nothing skipped before the failed one.
            #expect(received == Array(0..<received.count).map { $0 + 1 })
            #expect(received.count % 1000 == 0)
        }
    }

    @Test func aConsumerThatStopsInsideTheFirstPageCostsOneRequest() async throws {
        try await withClient({
            $0.tickets = 5000
            $0.latencyMilliseconds = 50
        }) { h in
            let client = client(h)
            _ = try await client.apiRoot()
            h.server.log.reset()
            var seen = 0
            for try await _ in client.records(ListRequest(path: "/service/tickets", orderBy: "id", fields: ["id"])) {
                seen += 1
                if seen == 5 {
                    try await Task.sleep(for: .milliseconds(200))  // a consumer at work on its records
                    break
                }
            }
            // Let anything that was started arrive and be logged.
            try await Task.sleep(for: .milliseconds(500))
            #expect(listRequests(h).count == 1)
        }
    }

    @Test func aConsumerThatStopsEarlyCancelsThePagesAhead() async throws {
        try await withClient({
            $0.tickets = 12_000
            $0.latencyMilliseconds = 150
        }) { h in
            let client = client(h, concurrency: 4)
            _ = try await client.apiRoot()
            h.server.log.reset()
            for try await record in client.records(ListRequest(path: "/service/tickets", orderBy: "id", fields: ["id"]))
            {
                #expect(record["id"]?.intValue == 1)
                break
            }
            // Pages already in flight may still be answered; no page may start after the stop.
            // Without the cancel the window would keep going to eight pages ahead of the consumer.
            try await Task.sleep(for: .milliseconds(900))
            #expect(listRequests(h).count <= 5)
        }
    }

    /// Pages the walk started while its consumer sat on the first record of page 2: until
    /// `expected` pages were answered (on a loaded machine that can take a while), or for 1.5 s
    /// when none is expected (a bound from above, which waiting longer only makes stricter).
    func pagesStartedAhead(_ h: ClientHarness, fields: [String]?, expected: Int? = nil) async throws -> Int {
        let client = client(h, concurrency: 8)
        _ = try await client.apiRoot()
        h.server.log.reset()
        var seen = 0
        for try await _ in client.records(ListRequest(path: "/service/tickets", fields: fields, walk: .fastest)) {
            seen += 1
            guard seen > 1000 else { continue }
            if let expected {
                for _ in 0..<200 where listRequests(h).count < expected {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            try await Task.sleep(for: .milliseconds(expected == nil ? 1500 : 300))
            break
        }
        return listRequests(h).count
    }

    @Test func pagesAheadAreBoundedByBytesNotOnlyByCount() async throws {
        try await withClient({ $0.tickets = 30_000 }) { h in
            // Pages of one field are small: the window runs 16 pages ahead (twice the concurrency).
            let small = try await pagesStartedAhead(h, fields: ["id"], expected: 18)
            #expect(small == 18, "\(small) pages started")
            // Pages of whole tickets (every field of the spec, about 2.8 MB each) fill the
            // 8 MiB budget after two pages held and one in flight.
            let whole = try await pagesStartedAhead(h, fields: nil)
            #expect(whole >= 2 && whole <= 4, "\(whole) pages started")
        }
    }
}

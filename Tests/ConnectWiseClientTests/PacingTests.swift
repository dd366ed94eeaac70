import CWQLTestSupport
import ConnectWiseClient
import ConnectWiseRequests
import Testing

/// The client's pace: one token bucket for every request, slowed by 429s. No wall clock: the
/// bucket is given the time, and the client runs on a virtual clock.
@Suite struct PacingTests {
    @Test func aBurstGoesAtOnceThenTheRateHolds() {
        var bucket = TokenBucket(perMinute: 60, burst: 3, now: 0)
        // Three at once, then one a second: the fourth waits 1 s, the fifth 2 s.
        #expect([bucket.take(at: 0), bucket.take(at: 0), bucket.take(at: 0)] == [0, 0, 0])
        #expect(bucket.take(at: 0) == 1)
        #expect(bucket.take(at: 0) == 2)
        // A quiet spell refills the bucket up to the burst, no more.
        var rested = TokenBucket(perMinute: 60, burst: 3, now: 0)
        for _ in 0..<3 { _ = rested.take(at: 0) }
        #expect(rested.take(at: 100) == 0)
        #expect(rested.take(at: 100) == 0)
        #expect(rested.take(at: 100) == 0)
        #expect(rested.take(at: 100) == 1)
    }

    @Test func a429HoldsEveryRequestAndHalvesTheRateThenItRecovers() {
        var bucket = TokenBucket(perMinute: 1000, burst: 100, now: 0)
        bucket.throttled(at: 10, retryAfter: 5)
        #expect(bucket.rate == 500)
        // Every request, not only the one told, waits out Retry-After.
        #expect(bucket.take(at: 11) >= 4)
        // Many 429s at once are one signal: the rate halves once.
        bucket.throttled(at: 10.5, retryAfter: 5)
        #expect(bucket.rate == 500)
        bucket.throttled(at: 20, retryAfter: 1)
        #expect(bucket.rate == 250)
        // Never below the floor.
        for second in stride(from: 30.0, to: 100, by: 5) { bucket.throttled(at: second, retryAfter: 0) }
        #expect(bucket.rate == TokenBucket.floor)
        // Quiet minutes give back a tenth of the configured rate each.
        _ = bucket.take(at: 95 + 60 + 120)
        #expect(bucket.rate == TokenBucket.floor + 200)
        _ = bucket.take(at: 95 + 60 + 6000)
        #expect(bucket.rate == 1000)
    }

    @Test func theClientSendsAtItsPace() async throws {
        try await SimulatedSite.with { site in
            let clock = VirtualClock()
            let client = site.client(pacer: RequestPacer(perMinute: 60, burst: 5, clock: clock))
            _ = try await client.apiRoot()
            for id in 1...15 { _ = try await client.get("/service/tickets/\(id)") }
            // Five in the burst, ten more at one a second.
            #expect(clock.now() >= 9.9 && clock.now() <= 10.1, "\(clock.now())")
        }
    }

    @Test func a429SlowsTheWholeClient() async throws {
        try await SimulatedSite.with(configure: {
            $0.rateLimit = 2
            $0.rateLimitWindowSeconds = 1
        }) { site in
            let clock = VirtualClock()
            let pacer = RequestPacer(perMinute: 1000, burst: 100, clock: clock)
            let client = site.client(concurrency: 8, pacer: pacer)
            _ = try await client.apiRoot()
            let records = try await client.records(
                ListRequest(path: "/service/tickets", orderBy: "id", fields: ["id"], pageSize: 25, walk: .fastest)
            ).collect()
            #expect(records.count == 300)
            #expect(site.server.log.all.contains { $0.status == 429 })
            #expect(pacer.currentRate < 1000)
        }
    }
}

/// ConnectWise's clock, read from its answers' `Date` headers.
@Suite struct HTTPDateTests {
    @Test func datesRoundTripInTheFormatServersWrite() {
        #expect(HTTPDate.format(1_795_305_600) == "Sun, 22 Nov 2026 00:00:00 GMT")
        #expect(HTTPDate.format(951_782_400.9) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(HTTPDate.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        for seconds in [0.0, 951_782_399, 1_795_348_799, 4_102_444_800] {
            #expect(HTTPDate.parse(HTTPDate.format(seconds)) == seconds)
        }
        for bad in ["", "Sun, 22 Nov 2026 00:00:00", "Sun, 22 Noz 2026 00:00:00 GMT", "Sun, 22 Nov 2026 00:00 GMT"] {
            #expect(HTTPDate.parse(bad) == nil, "\(bad)")
        }
    }
}

import CWJSON
import ConnectWiseClient
import ConnectWiseSimulator
import Foundation
import Testing

@Suite("API roots remembered between runs")
struct APIRootCacheTests {
    func temporaryCache(maximumAge: Double = 86_400) throws -> APIRootCache {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cwql-roots-\(UUID().uuidString)")
            .path
        return APIRootCache(path: "\(directory)/api-roots.json", maximumAge: maximumAge)
    }

    func client(_ h: ClientHarness, cache: APIRootCache) -> ConnectWiseClient {
        h.site.client(credentials: h.site.credentials(), timeout: 20, rootCache: cache)
    }

    func discoveries(_ h: ClientHarness) -> Int {
        h.server.log.all.filter { $0.path.hasPrefix("/login/companyinfo") }.count
    }

    @Test func aSecondRunSkipsDiscovery() async throws {
        try await withClient { h in
            let cache = try temporaryCache()
            h.server.log.reset()
            _ = try await client(h, cache: cache).count("/service/tickets")
            #expect(discoveries(h) == 1)
            _ = try await client(h, cache: cache).count("/service/tickets")
            #expect(discoveries(h) == 1)
            // Private to its owner, and nothing secret in it.
            var info = stat()
            #expect(stat(cache.path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
            let text = try String(contentsOfFile: cache.path, encoding: .utf8)
            #expect(text.contains("/v4_6_release/apis/3.0"))
            #expect(!text.contains(ClientHarness.privateKey))
        }
    }

    @Test func aRootOnAnotherHostOrInAForeignFileIsNotTrusted() async throws {
        try await withClient { h in
            let cache = try temporaryCache()
            _ = try await client(h, cache: cache).count("/service/tickets")
            // Rewrite the remembered root to another host (what a tampered file would hold).
            let site = h.site.credentials().site.absoluteString
            let text = try String(contentsOfFile: cache.path, encoding: .utf8)
            let moved = text.replacing(site + "/", with: "http://evil.example/")
            try moved.write(toFile: cache.path, atomically: false, encoding: .utf8)
            h.server.log.reset()
            _ = try await client(h, cache: cache).count("/service/tickets")
            #expect(discoveries(h) == 1)  // discovered again, not sent to evil.example
            // A cache file others may write is not read either.
            _ = try await client(h, cache: cache).count("/service/tickets")
            h.server.log.reset()
            #expect(chmod(cache.path, 0o666) == 0)
            _ = try await client(h, cache: cache).count("/service/tickets")
            #expect(discoveries(h) == 1)
            #expect(APIRootCache.isRoot("\(site)/v4_6_release/apis/3.0", of: site))
            #expect(!APIRootCache.isRoot("\(site)/../x/apis/3.0", of: site))
        }
    }

    @Test func aMovedCodebaseIsFoundAgainAndRemembered() async throws {
        try await withClient { h in
            let cache = try temporaryCache()
            // What an earlier run remembered before the site was upgraded.
            try FileManager.default.createDirectory(
                atPath: (cache.path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            let stale = "\(h.server.baseURL)/v2019_1/apis/3.0"
            let saved = Int(Date().timeIntervalSince1970)
            try Data("{\"\(h.server.baseURL) demo\":{\"root\":\"\(stale)\",\"saved\":\(saved)}}".utf8).write(
                to: URL(fileURLWithPath: cache.path)
            )
            h.server.log.reset()
            let count = try await client(h, cache: cache).count("/service/tickets")
            #expect(count == 300)
            #expect(discoveries(h) == 1)
            let text = try String(contentsOfFile: cache.path, encoding: .utf8)
            #expect(!text.contains("v2019_1"))
            #expect(text.contains("/v4_6_release/apis/3.0"))
        }
    }

    @Test func oldEntriesAreDiscoveredAgain() async throws {
        try await withClient { h in
            let cache = try temporaryCache(maximumAge: 0)
            h.server.log.reset()
            _ = try await client(h, cache: cache).count("/service/tickets")
            _ = try await client(h, cache: cache).count("/service/tickets")
            #expect(discoveries(h) == 2)
        }
    }
}

import CWJSON
import CWQLRuntime
import Testing

/// Backquoted endpoints (SPEC 6.1): what the catalog lacks, read and written raw.
@Suite("Interpreter: backquoted endpoints")
struct RawEndpointTests {
    @Test func aRawEndpointReadsWhatItsCatalogNameReads() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let raw = try await h.run(#"`/service/boards` where name = "Help" | select id, name"#)
            #expect(h.requests.map(\.path) == ["/service/boards"])
            #expect(h.requests[0].query.contains("conditions=name%20%3D%20%22Help%22"))
            let named = try await h.run(#"boards where name = "Help" | select id, name"#)
            #expect(raw == named)
            #expect(try jsonLines(raw).count == 1)
        }
    }

    @Test func aRawStageIsReadForEachRecordBeforeIt() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let raw = try await h.run(
                "tickets where id <= 5 | `/service/tickets/{id}/notes` | select id, text, ticket.id"
            )
            let paths = Set(h.requests.dropFirst().map(\.path))
            #expect(paths == Set((1...5).map { "/service/tickets/\($0)/notes" }))
            let named = try await h.run("tickets where id <= 5 | notes | select id, text, ticket.id")
            #expect(raw == named)
            #expect(try jsonLines(raw).allSatisfy { ($0["ticket.id"]?.intValue ?? 0) >= 1 })
        }
    }

    @Test func aRawTableShowsTheFirstRecordsFields() async throws {
        try await withRuntime { h in
            let out = try await h.run(#"`/service/boards` where name = "Help""#)
            let header = out.split(separator: "\n").first.map(String.init) ?? ""
            #expect(header.contains("id") && header.contains("name"))
            #expect(out.contains("Help"))
            #expect(out.contains("(1 row)"))
        }
    }

    @Test func anEndpointConnectWiseLacksIsAClearError() async throws {
        try await withRuntime { h in
            let error = try #require(await h.failure("`/system/mycompany/nothing`"))
            #expect(error.description.contains("404") || error.description.lowercased().contains("not found"))
            #expect(!error.description.contains("Fatal"))
        }
    }

    @Test func aRawChildRecordIsWrittenAtItsParentsPath() async throws {
        try await withRuntime(options: {
            $0.format = .jsonl
            $0.assumeYes = true
        }) { h in
            let first = try #require(
                try jsonLines(try await h.run("tickets | notes | take 1 | select id, ticket.id")).first
            )
            let note = try #require(first["id"]?.intValue)
            let ticket = try #require(first["ticket.id"]?.intValue)
            try await h.run(
                "tickets where id = \(ticket) | `/service/tickets/{id}/notes` | where id = \(note) | delete"
            )
            let delete = try #require(h.requests.first { $0.method == "DELETE" })
            #expect(delete.path == "/service/tickets/\(ticket)/notes/\(note)")
            #expect(delete.status == 204)
            #expect(
                try jsonLines(try await h.run("tickets where id = \(ticket) | notes | where id = \(note) | select id"))
                    .isEmpty
            )
        }
    }
}

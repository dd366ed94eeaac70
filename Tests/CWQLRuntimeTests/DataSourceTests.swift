import CWJSON
import CWQLLanguage
import CWQLRuntime
import CWQLTestSupport
import Foundation
import Testing

/// `from "file"`: rows from outside ConnectWise as a source, read once, before anything runs.
@Suite("Interpreter: rows from CSV, JSON lines and JSON files")
struct DataSourceTests {
    @Test func rowsFlowThroughReadStagesAndLoops() async throws {
        let folder = try TemporaryFolder.make("cwql-data")
        try TemporaryFolder.write("company,seats\nACME,12\nGLOBEX,7\nACME,3\n", named: "seats.csv", in: folder)
        try await withRuntime(tickets: 30) { h in
            let script = folder.appendingPathComponent("sync.cwql").path
            let out = try await h.run(
                """
                from "seats.csv" | sum seats by company
                for $row in (from "seats.csv" | where seats > 5) { print "\\($row.company): \\($row.seats * 2)" }
                """,
                name: script
            )
            #expect(out.contains("ACME    | 15"))
            #expect(out.contains("GLOBEX  | 7"))
            #expect(out.hasSuffix("ACME: 24\nGLOBEX: 14\n"))
            #expect(h.requests.isEmpty)
        }
    }

    @Test func badInputIsALocatedErrorBeforeAnyWrite() async throws {
        let folder = try TemporaryFolder.make("cwql-data")
        try TemporaryFolder.write("a,b\n1,2\n3\n", named: "ragged.csv", in: folder)
        var lines = (1...6).map { "{\"n\":\($0)}" }
        lines.append("{\"n\": 7,}")
        try TemporaryFolder.write(lines.joined(separator: "\n"), named: "alerts.jsonl", in: folder)
        try await withRuntime(tickets: 30) { h in
            for (file, expected) in [
                ("ragged.csv", "ragged.csv:3: this row has 1 field; the header has 2"),
                ("alerts.jsonl", "alerts.jsonl:7: invalid JSON"), ("missing.csv", "missing.csv: no such file"),
            ] {
                let error = await h.failure(
                    "tickets where id = 20 | note \"x\"\nfor $r in (from \"\(folder.path)/\(file)\") { print $r }"
                )
                #expect(error?.kind == .compile)
                #expect(error?.description.contains(expected) == true, "\(error?.description ?? "")")
                #expect(!h.requests.contains { $0.method == "POST" }, "\(file): wrote before its error")
            }
        }
    }

    @Test func aTypoInAColumnIsFoundByTheCheck() async throws {
        let folder = try TemporaryFolder.make("cwql-data")
        try TemporaryFolder.write("company,seats\nACME,12\n", named: "s.csv", in: folder)
        try await withRuntime(tickets: 30) { h in
            let error = await h.failure(
                "tickets where id = 20 | note \"x\"\nfrom \"\(folder.path)/s.csv\" | where seets > 1"
            )
            #expect(error?.description.contains("did you mean `seats`?") == true)
            #expect(!h.requests.contains { $0.method == "POST" })
        }
    }
}

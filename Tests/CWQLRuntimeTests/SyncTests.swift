import CWJSON
import CWQLLanguage
import CWQLRuntime
import CWQLTestSupport
import Foundation
import Testing

/// `sync` against the simulator: a CSV with a changed, a new and a removed row, run twice.
@Suite("Interpreter: declarative sync")
struct SyncTests {
    func acme(_ h: RuntimeHarness) -> [JSONObject] {
        h.server.store.records("configurations").filter { $0["company"]?["identifier"]?.stringValue == "ACME" }
            .sorted { $0["id"]!.intValue! < $1["id"]!.intValue! }
    }

    @Test func aChangedANewAndARemovedRowThenNothingToDo() async throws {
        let folder = try TemporaryFolder.make("cwql-sync")
        try await withRuntime(tickets: 30) { h in
            let before = acme(h)
            #expect(before.count >= 3)
            // Every record but the last; the second with a new serial number; and a new one.
            var lines = ["name,serialNumber,type"]
            for (index, record) in before.dropLast().enumerated() {
                let serial = index == 1 ? "SN-CHANGED" : record["serialNumber"]!.stringValue!
                lines.append("\(record["name"]!.stringValue!),\(serial),\(record["type"]!["name"]!.stringValue!)")
            }
            lines.append("ACME-NEW1,SN-NEW1,Server")
            let file = folder.appendingPathComponent("inventory.csv")
            try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            let statement = "sync configurations where company = ACME key name from \"\(file.path)\" missing deactivate"

            // The dry run says what it would do, and sends nothing.
            h.interpreter.runOptions.dryRun = true
            let dry = try await h.run(statement)
            #expect(dry.contains("create {"))
            #expect(dry.contains("serialNumber: \"\(before[1]["serialNumber"]!.stringValue!)\" → \"SN-CHANGED\""))
            #expect(dry.contains("deactivate configuration \(before.last!["id"]!.intValue!)"))
            #expect(
                h.output.stderr.contains("1 to create, 1 to update, \(before.count - 2) unchanged, 1 to deactivate")
            )
            #expect(h.requests.allSatisfy { $0.method == "GET" })
            #expect(acme(h).map { $0["serialNumber"] } == before.map { $0["serialNumber"] })

            h.interpreter.runOptions.dryRun = false
            _ = try await h.run(statement)
            let after = acme(h)
            #expect(after.count == before.count + 1)
            let made = after.first { $0["name"]?.stringValue == "ACME-NEW1" }
            #expect(made?["serialNumber"]?.stringValue == "SN-NEW1")
            #expect(made?["type"]?["name"]?.stringValue == "Server")
            #expect(made?["activeFlag"]?.boolValue == true)
            #expect(after[1]["serialNumber"]?.stringValue == "SN-CHANGED")
            #expect(after.first { $0["id"] == before.last!["id"] }?["activeFlag"]?.boolValue == false)
            // Only what differed was written: one POST, two PATCHes, each PATCH one field.
            let writes = h.requests.filter { $0.method != "GET" }
            #expect(writes.map(\.method).sorted() == ["PATCH", "PATCH", "POST"])
            // Records the rows name unchanged keep their last update.
            for (old, new) in zip(before, after) where old["id"] != before[1]["id"] && old["id"] != before.last!["id"] {
                #expect(old["_info"]?["lastUpdated"] == new["_info"]?["lastUpdated"])
            }

            // A second run has nothing to do.
            _ = try await h.run(statement)
            #expect(h.output.stderr.contains("nothing to do"))
            #expect(h.requests.allSatisfy { $0.method == "GET" })
        }
    }

    @Test func moreThanTwentyChangesAsk() async throws {
        let folder = try TemporaryFolder.make("cwql-sync")
        let file = folder.appendingPathComponent("many.csv")
        try (["name"] + (1...21).map { "ACME-BULK\($0)" }).joined(separator: "\n").write(
            to: file,
            atomically: true,
            encoding: .utf8
        )
        try await withRuntime(tickets: 30) { h in
            // A script without a way to ask is refused, and nothing is written.
            let error = await h.failure("sync configurations where company = ACME key name from \"\(file.path)\"")
            #expect(error?.description.contains("--yes") == true)
            #expect(h.requests.allSatisfy { $0.method == "GET" })
            h.interpreter.runOptions.assumeYes = true
            _ = try await h.run("sync configurations where company = ACME key name from \"\(file.path)\"")
            #expect(h.requests.filter { $0.method == "POST" }.count == 21)
        }
    }

    @Test func duplicateKeysAreRefusedBeforeAnyWrite() async throws {
        let folder = try TemporaryFolder.make("cwql-sync")
        let file = folder.appendingPathComponent("twice.csv")
        try "name,serialNumber\nACME-X,1\nacme-x,2\n".write(to: file, atomically: true, encoding: .utf8)
        try await withRuntime(tickets: 30) { h in
            let error = await h.failure("sync configurations where company = ACME key name from \"\(file.path)\"")
            #expect(error?.description.contains("found twice in \(file.path) (rows 1 and 2)") == true)
            #expect(h.requests.allSatisfy { $0.method == "GET" })
        }
    }
}

import CWJSON
import CWQLLanguage
import CWQLRuntime
import CWQLTestSupport
import ConnectWiseSimulator
import Foundation
import Testing

/// Every run that writes keeps a journal; `undo` returns the data to what it was.
@Suite("Journal and undo")
struct JournalTests {
    static func temporaryState() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cwql-state-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// What a run may change of a ticket, without the `_info` stamps; references by their id
    /// (the simulator renders a reference's name afresh from the record it names on every write).
    static func snapshot(_ server: SimulatorServer, ids: ClosedRange<Int>) -> [String] {
        let tickets = ids.map { id -> String in
            var record = server.store.record("tickets", id: id) ?? JSONObject()
            record["_info"] = nil
            var reduced = JSONObject()
            for (key, value) in record.pairs {
                if case .object(let reference) = value, let referenceId = reference["id"] {
                    reduced[key] = referenceId
                } else {
                    reduced[key] = value
                }
            }
            return JSONWriter.string(.object(reduced))
        }
        let notes = server.store.records("ticket_notes").filter {
            ($0["ticketId"]?.intValue).map(ids.contains) ?? false
        }
        .map { $0["id"]?.intValue ?? 0 }.sorted()
        let created = server.store.records("tickets").filter { $0["summary"]?.stringValue == "Journaled ticket" }.count
        return tickets + ["notes \(notes)", "created \(created)"]
    }

    @Test func undoReturnsTheDataToItsStateBeforeTheRunAndUndoingTheUndoRestoresIt() async throws {
        let state = try Self.temporaryState()
        // The simulator's clock stands still: a ticket closed again gets the same closedDate.
        try await withRuntime(
            options: {
                $0.stateDirectory = state
                $0.assumeYes = true
            },
            { $0.clock = .manual() }
        ) { h in
            let before = Self.snapshot(h.server, ids: 1...6)
            try await h.run(
                #"""
                tickets where id <= 6 | set summary = "Changed by the run", custom("Alert ID") = "J-1"
                tickets where id <= 6 | note "journaled"
                tickets where id <= 6 | assign jsmith
                tickets where id <= 3 | close
                create ticket { summary: "Journaled ticket", board: "Help", company: ACME }
                """#
            )
            let changed = Self.snapshot(h.server, ids: 1...6)
            #expect(changed != before)
            let line = try #require(h.output.stderr.split(separator: "\n").first { $0.hasPrefix("journal: run ") })
            let run = String(line.dropFirst("journal: run ".count).prefix { $0 != " " })
            // The journal: private, no secret, one line per write.
            let path = RunJournal.folder(in: state) + "/\(run).jsonl"
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!text.contains(SimulatedSite.privateKey))
            let contents = try RunJournal.read(path)
            #expect(contents.header["statement"]?.stringValue?.contains("| assign jsmith") == true)
            #expect(contents.writes.filter { $0["outcome"]?.stringValue == "done" }.count >= 6 * 3 + 1)
            #expect(Interpreter.runs(in: state).first?.id == run)

            h.output.clear()
            let report = try await h.interpreter.undo(run: run)
            #expect(report.failures.isEmpty, "\(report.failures)")
            #expect(Self.snapshot(h.server, ids: 1...6) == before)
            // A second undo of the same run is refused.
            await #expect(throws: UndoError.self) { try await h.interpreter.undo(run: run) }

            // Undoing the undo makes the run's changes again (its notes and ticket made anew).
            let redo = try #require(report.journal)
            let again = try await h.interpreter.undo(run: redo)
            #expect(again.failures.isEmpty, "\(again.failures)")
            let restored = Self.snapshot(h.server, ids: 1...6)
            #expect(Array(restored.prefix(6)) == Array(changed.prefix(6)))
            #expect(restored.last == changed.last)
        }
    }

    @Test func aJournalCutShortIsReadUpToItsLastWholeLine() throws {
        let state = try Self.temporaryState()
        let journal = try RunJournal.start(
            in: state,
            header: JSONObject(["statement": .string("tickets | note \"x\"")])
        )
        for id in 1...3 {
            journal.append(JSONObject(["type": .string("write"), "record": .int(id), "outcome": .string("done")]))
        }
        // A kill in the middle of a line.
        let handle = try #require(FileHandle(forWritingAtPath: journal.path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"type":"write","record":4,"outc"#.utf8))
        try handle.close()
        let contents = try RunJournal.read(journal.path)
        #expect(contents.writes.map { $0["record"]?.intValue } == [1, 2, 3])
        #expect(contents.header["statement"]?.stringValue == "tickets | note \"x\"")
    }
}

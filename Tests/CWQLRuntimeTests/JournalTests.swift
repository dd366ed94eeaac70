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
        try TemporaryFolder.make("cwql-state").path
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
            // Each done write keeps ConnectWise's answer (a PATCH's: the record as it became).
            let patch = try #require(contents.writes.first { $0["method"]?.stringValue == "PATCH" })
            #expect(patch["answer"]?["summary"]?.stringValue == "Changed by the run")
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

/// Bulk writes under faults, 429s and redirected POSTs: the simulator's data shows every
/// record changed exactly once, and the journal says what the data says.
@Suite("Writes under faults, proven from the data")
struct FaultedWriteTests {
    @Test func aBulkSetAndACreateLoopUnderFaultsRedirectsAnd429s() async throws {
        let state = try JournalTests.temporaryState()
        try await withRuntime(
            tickets: 200,
            options: {
                $0.stateDirectory = state
                $0.assumeYes = true
            },
            {
                $0.failRate = 0.1
                $0.rateLimit = 40
                $0.rateLimitWindowSeconds = 1
                $0.quirks = [.redirectWrites]
                $0.seed = 4
            }
        ) { h in
            let companies = h.server.store.records("companies").compactMap { $0["identifier"]?.stringValue }
            _ = try? await h.run(
                #"""
                tickets where id <= 80 | set summary = "Under faults"
                for $c in (companies) {
                  create ticket { summary: "Fault check", board: "Help", company: $c.identifier }
                }
                """#
            )
            let path = try #require(RunJournal.list(in: state).first?.path)
            let journal = try RunJournal.read(path)
            // The set: a ticket journaled done holds the new summary, and every PATCH it sent was one.
            let patches = journal.writes.filter { $0["method"]?.stringValue == "PATCH" }
            for entry in patches {
                let id = try #require(entry["record"]?.intValue)
                let summary = h.server.store.record("tickets", id: id)?["summary"]?.stringValue
                switch entry["outcome"]?.stringValue {
                case "done": #expect(summary == "Under faults", "ticket \(id)")
                case "failed": #expect(summary != "Under faults", "ticket \(id) failed but changed")
                default: break
                }
            }
            #expect(patches.filter { $0["outcome"]?.stringValue == "done" }.count >= 70)
            // The creates (each answered by a redirect after the record was made): one ticket per
            // company at most, and each one journaled as created is the one that exists.
            let made = h.server.store.records("tickets").filter { $0["summary"]?.stringValue == "Fault check" }
            for company in companies {
                #expect(made.filter { $0["company"]?["identifier"]?.stringValue == company }.count <= 1, "\(company)")
            }
            let created = journal.writes.compactMap { $0["created"]?.stringValue }
            #expect(!created.isEmpty)
            for createdPath in created {
                let id = try #require(Int(createdPath.split(separator: "/").last ?? ""))
                #expect(
                    h.server.store.record("tickets", id: id)?["summary"]?.stringValue == "Fault check",
                    "\(createdPath)"
                )
            }
            #expect(created.count == made.count)
        }
    }
}

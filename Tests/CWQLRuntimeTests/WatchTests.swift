import CWJSON
import CWQLLanguage
import CWQLRuntime
import CWQLTestSupport
import ConnectWiseRequests
import ConnectWiseSimulator
import Foundation
import Testing

/// `watch`: each change handled once across polls and restarts, exact at the one-second edges,
/// failures retried then passed over, an interrupted block run again without a second create.
@Suite("Interpreter: watch")
struct WatchTests {
    /// Three days after the reference day: later than every seeded change.
    static let start = Double(SimulatedSite.referenceDay + 3 * 86_400)

    static var once: WatchOptions {
        var options = WatchOptions()
        options.once = true
        return options
    }

    /// Changes a ticket's summary through the API, as another user would.
    func change(_ h: RuntimeHarness, ticket id: Int, to summary: String) async throws {
        _ = try await h.client.send(RecordEdits.summary(of: id, to: summary))
    }

    /// Runs the script (registering its watch) and polls once; what the blocks printed.
    func poll(_ h: RuntimeHarness, _ script: String, options: WatchOptions = WatchTests.once) async throws -> String {
        try await h.run(script, name: "watch.cwql")
        try await h.interpreter.runWatches(options)
        return h.output.stdout
    }

    func helpTickets(_ h: RuntimeHarness) -> [Int] {
        h.server.store.records("tickets").filter { $0["board"]?["name"]?.stringValue == "Help" }
            .compactMap { $0["id"]?.intValue }.sorted()
    }

    @Test func eachChangeOnceExactAtTheSecondsEdges() async throws {
        let clock = SimulatorClock.manual(at: WatchTests.start)
        let folder = try TemporaryFolder.make("cwql-watch")
        try await withRuntime(tickets: 60, options: { $0.stateDirectory = folder.path }, { $0.clock = clock }) { h in
            let script =
                "watch tickets where board = \"Help\" every 30s {\n  print \"\\($change.id): \\($change.summary)\"\n}"
            // A first run starts from now: a change two seconds before it is not one to handle.
            let help = helpTickets(h)
            #expect(help.count >= 6)
            try await change(h, ticket: help[5], to: "before the watch")
            clock.advance(by: 2)
            // The simulator's clock stands still while this machine's runs on: "now" is ConnectWise's
            // (the answer's Date), not this machine's time moved by an offset learned earlier.
            try await Task.sleep(nanoseconds: 3_200_000_000)
            #expect(try await poll(h, script) == "")
            let other = h.server.store.records("tickets").first { $0["board"]?["name"]?.stringValue != "Help" }!
            // Three Help tickets and one elsewhere change in the same second.
            for id in help.prefix(3) { try await change(h, ticket: id, to: "first \(id)") }
            try await change(h, ticket: other["id"]!.intValue!, to: "elsewhere")
            #expect(try await poll(h, script) == help.prefix(3).map { "\($0): first \($0)\n" }.joined())
            // It asks for the fields its block reads, oldest change first, from a little before its cursor.
            let read = try #require(h.requests.first { $0.path == "/service/tickets" && $0.query.contains("orderBy") })
            #expect(read.query.contains("fields=id,summary,_info/lastUpdated"), "\(read.query)")
            #expect(read.query.contains("orderBy=_info/lastUpdated%20asc,%20id%20asc"), "\(read.query)")
            // Later in that same second, a ticket with a lower id changes: still seen, the others not again.
            try await change(h, ticket: help[0], to: "second \(help[0])")
            try await change(h, ticket: help[3], to: "first \(help[3])")
            let sameSecond = try await poll(h, script)
            #expect(sameSecond == "\(help[3]): first \(help[3])\n", "\(sameSecond)")
            // A new second: the one changed again is seen again.
            clock.advance(by: 1)
            try await change(h, ticket: help[1], to: "third \(help[1])")
            #expect(try await poll(h, script) == "\(help[1]): third \(help[1])\n")
            #expect(try await poll(h, script) == "")
            // The checkpoint is one file, mode 0600.
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/watches")
            #expect(files.count == 1)
            let attributes = try FileManager.default.attributesOfItem(atPath: folder.path + "/watches/" + files[0])
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
    }

    @Test func aFailingBlockIsRetriedThenPassedOver() async throws {
        let clock = SimulatorClock.manual(at: WatchTests.start)
        let folder = try TemporaryFolder.make("cwql-watch")
        try await withRuntime(tickets: 60, options: { $0.stateDirectory = folder.path }, { $0.clock = clock }) { h in
            let help = helpTickets(h)
            let failing = help[1]
            let script = """
                watch tickets where board = "Help" {
                  if $change.id = \(failing) { print (ticket 99999).summary } else { print $change.id }
                }
                """
            _ = try await poll(h, script)
            for id in help.prefix(3) { try await change(h, ticket: id, to: "changed \(id)") }
            var options = WatchTests.once
            options.attempts = 2
            #expect(try await poll(h, script, options: options) == "\(help[0])\n\(help[2])\n")
            #expect(h.output.stderr.contains("ticket \(failing) "), "\(h.output.stderr)")
            #expect(h.output.stderr.contains("failed, to retry"))
            // The next poll tries it again, fails again, and passes over it.
            #expect(try await poll(h, script, options: options) == "")
            #expect(h.output.stderr.contains("passed over after 2 failures"), "\(h.output.stderr)")
            #expect(try await poll(h, script, options: options) == "")
            #expect(!h.output.stderr.contains("ticket \(failing)"))
        }
    }

    /// A kill after the block made its note and before the checkpoint said so leaves the change
    /// pending: the next run runs the block again, finds the note and does not make it twice.
    @Test func anInterruptedBlockRunsAgainWithoutASecondCreate() async throws {
        let clock = SimulatorClock.manual(at: WatchTests.start)
        let folder = try TemporaryFolder.make("cwql-watch")
        try await withRuntime(tickets: 60, options: { $0.stateDirectory = folder.path }, { $0.clock = clock }) { h in
            let script = "watch tickets where board = \"Help\" {\n  $change | note \"seen \\($change.updated)\"\n}"
            _ = try await poll(h, script)
            let id = helpTickets(h)[0]
            try await change(h, ticket: id, to: "changed")
            _ = try await poll(h, script)
            func seen() -> Int {
                h.server.store.records("ticket_notes").filter {
                    $0["ticketId"]?.intValue == id && ($0["text"]?.stringValue ?? "").hasPrefix("seen ")
                }.count
            }
            #expect(seen() == 1)
            // Put the checkpoint back as a kill right after the note would have left it.
            let folderPath = folder.path + "/watches"
            let file = folderPath + "/" + (try FileManager.default.contentsOfDirectory(atPath: folderPath)[0])
            guard case .object(var checkpoint) = try JSONParser.parse(String(contentsOfFile: file, encoding: .utf8)),
                let handled = checkpoint["handled"]?.arrayValue, let change = handled.last
            else {
                Issue.record("unreadable checkpoint")
                return
            }
            checkpoint["handled"] = .array(Array(handled.dropLast()))
            checkpoint["pending"] = .object(
                JSONObject(["change": change, "startedAt": .double(WatchTests.start)])
            )
            try JSONWriter.string(.object(checkpoint)).write(toFile: file, atomically: true, encoding: .utf8)
            _ = try await poll(h, script)
            #expect(h.output.stderr.contains("was interrupted; running it again"), "\(h.output.stderr)")
            #expect(seen() == 1)
            #expect(!h.requests.contains { $0.method == "POST" })
            _ = try await poll(h, script)
            #expect(seen() == 1)
        }
    }

    @Test func mistakesAreFoundBeforeAnythingRuns() {
        let mistakes: [(String, String)] = [
            ("watch tickets | sort id { print $change.id }", "`watch` reads its records with `where` only, not `sort`"),
            ("if true { watch tickets { print $change.id } }", "`watch` is written at the top level of a script"),
            ("watch tickets every 0s { print $change.id }", "`every` needs a length of time of a second or more"),
            ("watch tickets every -5m { print $change.id }", "`every` takes a length of time without a sign"),
            ("let t = tickets | take 1\nwatch $t { print 1 }", "`watch` watches records of an entity"),
            ("watch tickets { print $change.sumary }", "no field `sumary`"),
            ("on widgets changed { print $change.id }", "unknown entity `widgets`"),
            ("on boards changed { print $change.id }", "ConnectWise sends no callbacks for boards"),
            ("on ticket updated { print $change.id }", "`changed` after `on ticket`"),
            ("on ticket changed { print $change.summary, $action, $nope }", "$nope"),
        ]
        for (text, message) in mistakes {
            do {
                _ = try Interpreter.check(SourceFile(name: "t.cwql", text: text), variables: [:])
                Issue.record("no error for \(text)")
            } catch {
                #expect(error.kind == .compile, "\(text)")
                #expect(error.description.contains(message), "\(text): \(error.description)")
            }
        }
    }
}

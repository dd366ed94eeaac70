import CWJSON
import CWQLLanguage
import CWQLTestSupport
import ConnectWiseRequests
import ConnectWiseSimulator
import Foundation
import Testing

@testable import CWQLRuntime

/// A write whose answer was lost is found by what identifies it, never by a look-alike.
@Suite("Reconciliation identifies the write")
struct ReconciliationTests {
    static let madeAt = 1_795_348_800.0  // 2026-11-22T12:00:00Z

    func lookFor(member: String? = "api") -> Reconciliation {
        Reconciliation(
            path: "/service/tickets",
            conditions: .comparison(path: "summary", op: "=", value: .text("Monthly check")),
            sent: Reconciliation.sentFields(
                of: JSONObject(["summary": .string("Monthly check"), "company": .object(JSONObject(["id": .int(3)]))])
            ),
            madeAt: "_info/dateEntered",
            notBefore: Self.madeAt,
            member: member
        )
    }

    func record(company: Int, at seconds: Double, by member: String = "api") -> JSON {
        .object(
            JSONObject([
                "summary": .string("Monthly check"),
                "company": .object(JSONObject(["id": .int(company), "identifier": .string("X")])),
                "_info": .object(
                    JSONObject([
                        "dateEntered": .string(UTCDate(secondsSinceEpoch: Int64(seconds)).iso8601),
                        "enteredBy": .string(member),
                    ])
                ),
            ])
        )
    }

    @Test func everyFieldSentTheMemberAndTheTimeMustMatch() {
        #expect(lookFor().isTheWrite(record(company: 3, at: Self.madeAt)))
        #expect(lookFor().isTheWrite(record(company: 3, at: Self.madeAt + 2)))
        // Another company's ticket of the same summary is not this write's (it was reported
        // "created" for CONTOSO and GLOBEX when ACME's existed).
        #expect(!lookFor().isTheWrite(record(company: 1, at: Self.madeAt)))
        // Made before the attempt: an earlier run's.
        #expect(!lookFor().isTheWrite(record(company: 3, at: Self.madeAt - 1)))
        // Made by someone else.
        #expect(!lookFor().isTheWrite(record(company: 3, at: Self.madeAt, by: "jsmith")))
        #expect(lookFor(member: nil).isTheWrite(record(company: 3, at: Self.madeAt, by: "jsmith")))
    }

    /// Two runs in a row of the same bulk note at 40% faults: each ticket ends with exactly one
    /// note per run that reported it done, and an unknown outcome is reported as such.
    @Test func twoRunsOfTheSameNoteUnderHeavyFaults() async throws {
        // The machine's clock, moved on between the runs (as time passes between them).
        let clock = SimulatorClock.system
        try await withRuntime(
            tickets: 120,
            options: { $0.assumeYes = true },
            {
                $0.failRate = 0.4
                $0.seed = 9
                $0.clock = clock
            }
        ) { h in
            let ids = h.server.store.records("tickets").compactMap { $0["id"]?.intValue }.filter { $0 <= 60 }
            var done: [Int: Int] = [:]
            var reports: [String] = []
            var unknown: [Int: Int] = [:]
            for run in 1...2 {
                _ = try? await h.run(#"tickets where id <= 60 | note "Checked twice""#)
                let report = h.output.stderr
                reports.append(report)
                var failed = Set<Int>()
                for line in report.split(separator: "\n") where line.hasPrefix("  ticket ") {
                    let rest = line.dropFirst("  ticket ".count)
                    guard let id = Int(rest.prefix { $0.isNumber }) else { continue }
                    if rest.contains(": unknown: ") { unknown[id, default: 0] += 1 } else { failed.insert(id) }
                }
                for id in ids where !failed.contains(id) && !(report.contains("ticket \(id): unknown")) {
                    done[id, default: 0] += 1
                }
                // The next run starts seconds later, as ConnectWise's clock tells.
                clock.advance(by: 5)
                _ = run
            }
            #expect(!h.server.log.all.filter { $0.fault != nil }.isEmpty)
            for id in ids {
                let notes = h.server.store.records("ticket_notes").filter {
                    $0["ticketId"]?.intValue == id && $0["text"]?.stringValue == "Checked twice"
                }.count
                let reported = done[id, default: 0]
                let open = unknown[id, default: 0]
                #expect(
                    notes >= reported && notes <= reported + open,
                    "ticket \(id): \(notes) notes, reported done \(reported), unknown \(open)"
                )
            }
        }
    }

    /// A loop that creates tickets sharing a summary, at 40% faults: each ticket reported
    /// created is the one made for that company (a lost POST used to be "found" in another
    /// company's ticket of the same summary).
    @Test func createsSharingASummaryAreToldApart() async throws {
        try await withRuntime(
            tickets: 50,
            options: { $0.assumeYes = true },
            {
                $0.failRate = 0.4
                $0.seed = 9
            }
        ) { h in
            let companies = h.server.store.records("companies").sorted {
                ($0["id"]?.intValue ?? 0) < ($1["id"]?.intValue ?? 0)
            }
            .compactMap { $0["identifier"]?.stringValue }
            var created: [(company: String, ticket: Int)] = []
            var lostPosts = 0
            for company in companies {
                _ = try? await h.run(
                    #"create ticket { summary: "Monthly check", board: "Help", company: "\#(company)" }"#
                )
                lostPosts += h.server.log.all.filter { $0.method == "POST" && $0.fault != nil }.count
                if let line = h.output.stderr.split(separator: "\n").first(where: { $0.hasPrefix("created ticket ") }),
                    let id = Int(line.dropFirst("created ticket ".count))
                {
                    created.append((company, id))
                }
            }
            #expect(!created.isEmpty)
            // Some creates were lost after a ticket of the same summary existed.
            #expect(lostPosts >= 2)
            for (company, id) in created {
                let ticket = h.server.store.record("tickets", id: id)
                #expect(ticket?["summary"]?.stringValue == "Monthly check")
                #expect(
                    ticket?["company"]?["identifier"]?.stringValue == company,
                    "ticket \(id) reported for \(company)"
                )
            }
            // At most one per company: nothing was made twice.
            for company in companies {
                let made = h.server.store.records("tickets").filter {
                    $0["summary"]?.stringValue == "Monthly check"
                        && $0["company"]?["identifier"]?.stringValue == company
                }
                #expect(made.count <= 1, "\(company): \(made.count)")
            }
        }
    }
}

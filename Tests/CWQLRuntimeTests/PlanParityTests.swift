import CWQLLanguage
import CWQLRuntime
import CWQLTestSupport
import ConnectWiseRequests
import Foundation
import Testing

/// `translate` shows what runs: every request the runtime sends for a golden query, writes and
/// their lookups included, is one of the plan's steps with its holes (`{id}`, `{board.id}`,
/// `{ids}`, the page) filled; the first step is sent as printed; and a step after one that
/// found records is sent.
@Suite("The plan translate prints is the program that runs")
struct PlanParityTests {
    @Test func everyStepOfEveryGoldenQueryRunsAsPrinted() async throws {
        let h = try await RuntimeHarness.start(
            tickets: 120,
            options: {
                $0.variables = GoldenCase.variables
                $0.format = .jsonl
                $0.assumeYes = true
            },
            clock: { GoldenCase.now }
        )
        let (server, interpreter) = (h.server, h.interpreter)
        var checked = 0
        var writes = 0
        for golden in GoldenCase.all() where golden.compiles {
            let environment = CompileEnvironment(now: GoldenCase.now, variables: GoldenCase.variables)
            guard let plan = try? Translator.translate(golden.query, environment: environment),
                plan.segments.allSatisfy({ if case .provided = $0.origin { false } else { true } })
            else { continue }
            server.log.reset()
            // Some queries fail on the simulator's data (a record that does not exist); what was
            // sent is compared all the same.
            try? await interpreter.run(SourceFile(name: "parity.cwql", text: golden.query))
            let sent = server.log.all.filter { !$0.path.hasPrefix("/login") }.map {
                "\($0.method) \($0.path)\($0.query.isEmpty ? "" : "?" + $0.query)"
            }
            let patterns = plan.steps.map { PlanParityTests.pattern($0.line) }
            for line in sent {
                #expect(
                    patterns.contains { line.wholeMatch(of: $0) != nil },
                    "\(golden.testDescription): sent \(line), planned \(plan.steps.map(\.line))"
                )
            }
            // The first step always runs, and it is exactly what translate printed.
            if let first = plan.steps.first, !first.request.path.hasHoles {
                #expect(sent.first.map { $0.wholeMatch(of: patterns[0]) != nil } == true, "\(golden.testDescription)")
            }
            // A segment after one whose answer held records runs too (nothing planned is skipped).
            let answered = server.log.all.filter { !$0.path.hasPrefix("/login") }
            for index in 1..<max(1, plan.segments.count) {
                // An aggregate's rows are made on the client: nothing is sent for them.
                if case .rows = plan.segments[index].origin { continue }
                let before = answered.filter {
                    "\($0.method) \($0.path)?\($0.query)".wholeMatch(of: patterns[index - 1]) != nil
                }
                guard before.contains(where: { $0.status == 200 && $0.responseBytes > 2 }) else { continue }
                #expect(
                    sent.contains { $0.wholeMatch(of: patterns[index]) != nil },
                    "\(golden.testDescription): step \(index + 1) not sent"
                )
            }
            if plan.write != nil { writes += 1 }
            checked += 1
        }
        #expect(checked > 100)
        #expect(writes >= 8)
        await h.stop()
    }

    /// A step's printed line as a pattern: the holes `{id}`, `{ids}` and the page number match
    /// what the runtime fills in.
    static func pattern(_ line: String) -> Regex<AnyRegexOutput> {
        var escaped = NSRegularExpression.escapedPattern(for: line)
        escaped = escaped.replacingOccurrences(
            of: NSRegularExpression.escapedPattern(for: "%7Bids%7D"),
            with: "[0-9%C,]+"
        )
        // `{id}`, `{board.id}`, `{agreementId}`: any hole of a path is a number.
        escaped = escaped.replacing(/\\\{[A-Za-z_.\\]+\\\}/, with: "[0-9]+")
        escaped = escaped.replacingOccurrences(of: "page=1&", with: "page=[0-9]+&")
        return (try? Regex(escaped)) ?? Regex(verbatim: line)
    }
}

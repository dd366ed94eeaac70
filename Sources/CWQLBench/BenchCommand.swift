import ArgumentParser
import CWJSON
import ConnectWiseSimulator
import Foundation

/// `cwql-bench`: requests, bytes, time and memory of cwql against the latency-bound limit.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cwql-bench",
        abstract: "Measure cwql against a simulator with injected latency.",
        discussion: """
            Scenarios: the simulator seeding its tickets; tickets | count; a 50,000-record fetch (tickets where board = "Help" | select id, summary);
            the same with take 10; note on 1,000 tickets; translate throughput; CLI start-up; cwql's CPU time per MB
            of JSON streamed to jsonl, csv and a table, whole records and with select (child process); the peak memory of
            a 200,000-record stream of whole records against 20,000 (child process). Ratios: time against the latency-bound
            limit (ceil(records / 1000) × latency / concurrency), the speed-up over a sequential page-by-page fetch, and
            at the end each target with the share of its budget used (at most 1.00 when it holds).
            """
    )

    @Option(name: .customLong("latency-ms"), help: "Latency of every simulated request.") var latency = 40
    @Option(help: "Requests in flight.") var concurrency = 8
    @Option(help: "Tickets in the simulator (about half are on the Help board).") var tickets = 100_000
    @Option(
        name: .customLong("stream-tickets"),
        help: "Tickets for the memory scenario (and a tenth of it for the baseline)."
    ) var streamTickets = 200_000
    @Option(name: .customLong("cpu-tickets"), help: "Tickets for the CPU scenarios.") var cpuTickets = 50_000
    @Option(help: "The cwql executable for the start-up and memory scenarios.") var cwql: String?
    @Flag(help: "Print the results as JSON.") var json = false
    @Flag(help: "Only the in-process translate throughput (no simulator).") var translateOnly = false
    @Option(help: "Only the scenarios whose name contains this text (e.g. fetch, note, cpu, memory).") var only: String?

    func run() async throws {
        var results: [Measurement] = []
        // Translate first, in a process not yet holding the simulator's data.
        if wants("translate") {
            var translate = Scenarios.translateThroughput(seconds: translateOnly ? 3 : 2)
            translate.checks = [
                TargetCheck(
                    "translate (queries/s)",
                    measured: Double(translate.records) / translate.seconds,
                    atLeast: 100_000
                )
            ]
            results.append(translate)
        }
        if translateOnly {
            report(results)
            return
        }
        let latencySeconds = Double(latency) / 1000
        let executable =
            cwql
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cwql")
            .path
        let haveExecutable = FileManager.default.isExecutableFile(atPath: executable)
        let children = ChildScenarios(executable: executable, latencyMilliseconds: latency, concurrency: concurrency)
        if wants("seed") || wants("count") || wants("fetch") || wants("take") || wants("note") {
            var configuration = SimulatorConfiguration()
            configuration.tickets = tickets
            configuration.latencyMilliseconds = latency
            log("seeding \(tickets) tickets…")
            Memory.resetPeak()
            let (server, seedSeconds) = try await timed { try await SimulatorServer.start(configuration) }
            if wants("seed") {
                results.append(
                    Measurement(
                        scenario: "simulator ready with \(tickets) tickets",
                        records: tickets,
                        requests: 0,
                        optimalRequests: 0,
                        bytesReceived: 0,
                        seconds: seedSeconds,
                        peakRSSMegabytes: Memory.peakMegabytes(),
                        note: String(format: "%.2f× the 5 s target", seedSeconds / 5)
                    )
                )
            }
            let scenarios = Scenarios(server: server, latency: latencySeconds, concurrency: concurrency)
            let help = server.store.records("tickets").filter { $0["board"]?["name"]?.stringValue == "Help" }.count

            if wants("count") {
                log("tickets | count")
                results.append(
                    try await scenarios.statement(
                        "tickets | count",
                        "tickets | count",
                        records: tickets,
                        optimal: 1,
                        bound: false,
                        runs: 3
                    )
                )
            }
            if wants("fetch") {
                log("sequential baseline")
                let sequential = try await scenarios.sequentialFetch(
                    conditions: "board/name = \"Help\"",
                    fields: ["id", "summary"]
                )
                let fetch = #"tickets where board = "Help" | select id, summary"#
                log("fetch \(help) records")
                let measured = try await scenarios.statement(
                    "fetch \(help) (select id, summary)",
                    fetch,
                    records: help,
                    optimal: (help + 999) / 1000,
                    bound: true,
                    sequentialBaseline: sequential,
                    runs: 3
                )
                results.append(measured)
                if haveExecutable {
                    log("fetch \(help) records, cwql in a child process")
                    results.append(
                        try await children.fetch(server: server, query: fetch, records: help, sequential: sequential)
                    )
                }
                log("fetch \(help) records, --prefetch \(concurrency - 1)")
                results.append(
                    try await scenarios.statement(
                        "fetch \(help) --prefetch \(concurrency - 1)",
                        fetch,
                        records: help,
                        optimal: (help + 999) / 1000,
                        bound: true,
                        sequentialBaseline: sequential,
                        prefetch: concurrency - 1,
                        runs: 3
                    )
                )
            }
            if wants("take") {
                log("take 10")
                results.append(
                    try await scenarios.statement(
                        "fetch with take 10",
                        #"tickets where board = "Help" | select id, summary | take 10"#,
                        records: 10,
                        optimal: 1,
                        bound: false,
                        runs: 3
                    )
                )
            }
            if wants("note") {
                log("note on 1,000 tickets")
                var note = try await scenarios.statement(
                    "note on 1000 tickets",
                    #"tickets where id <= 1000 | note "bench""#,
                    records: 1000,
                    optimal: 1001,
                    bound: false,
                    // It measures cwql, not the pace: at the default 1,000 a minute, 1,001
                    // requests take about a minute by design.
                    rate: 100_000
                )
                note.ratioToLatencyBound = note.seconds / (1001 * latencySeconds / Double(concurrency))
                note.note = "bound: 1001 requests × latency ÷ concurrency"
                results.append(note)
            }
            await server.stop()
        }

        guard wants("start-up") || wants("cpu") || wants("memory") else { return report(results) }
        guard haveExecutable else {
            log("no cwql executable at \(executable): start-up and memory scenarios skipped (build it or pass --cwql)")
            return report(results)
        }
        if wants("start-up") {
            log("CLI start-up")
            var times: [Double] = []
            for _ in 0..<7 {
                times.append(
                    try runChild(executable, ["translate", "tickets where board = Help"], environment: [:]).seconds
                )
            }
            times.sort()
            results.append(
                Measurement(
                    scenario: "CLI start-up (translate)",
                    records: 0,
                    requests: 0,
                    optimalRequests: 0,
                    bytesReceived: 0,
                    seconds: times[3],
                    peakRSSMegabytes: 0,
                    note: "median of 7 runs",
                    checks: [TargetCheck("CLI start-up (s)", measured: times[3], atMost: 0.030)]
                )
            )
            log("cwql demo start-up")
            var demo: [Double] = []
            for _ in 0..<5 {
                demo.append(
                    try runChild(
                        executable,
                        ["demo"],
                        environment: ["HOME": "/nonexistent"],
                        input: "tickets | count\n"
                    ).seconds
                )
            }
            demo.sort()
            results.append(
                Measurement(
                    scenario: "cwql demo: start, seed, one query, exit",
                    records: 0,
                    requests: 0,
                    optimalRequests: 0,
                    bytesReceived: 0,
                    seconds: demo[2],
                    peakRSSMegabytes: 0,
                    note: String(format: "median of 5 runs; %.2f× the 1 s target", demo[2])
                )
            )
        }
        if wants("cpu") {
            log("CPU per MB: \(cpuTickets) tickets to jsonl, csv and a table")
            let server = try await children.site(tickets: cpuTickets)
            for query in ChildScenarios.queries {
                for format in ["jsonl", "csv", "table"] {
                    results.append(try await children.throughput(server: server, format: format, query: query))
                }
            }
            await server.stop()
        }
        if wants("memory") {
            for format in ["jsonl", "table"] {
                log("memory: \(streamTickets / 10) and \(streamTickets) full records to \(format)")
                results += try await children.memory(tickets: streamTickets, format: format)
            }
        }
        report(results)
    }

    /// Whether `--only` lets a scenario run.
    private func wants(_ scenario: String) -> Bool {
        guard let only else { return true }
        return scenario.localizedCaseInsensitiveContains(only) || only.localizedCaseInsensitiveContains(scenario)
    }

    private func report(_ results: [Measurement]) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: (try? encoder.encode(results)) ?? Data(), as: UTF8.self))
            return
        }
        print("latency \(latency) ms, concurrency \(concurrency)")
        print(
            "scenario | records | requests (optimal) | MiB received | seconds | peak RSS MiB | × latency bound | × faster than sequential | note"
        )
        for r in results {
            let bound = r.ratioToLatencyBound.map { String(format: "%.2f", $0) } ?? "-"
            let speedup = r.speedupOverSequential.map { String(format: "%.1f", $0) } ?? "-"
            print(
                String(
                    format: "%@ | %d | %d (%d) | %.2f | %.3f | %.1f | %@ | %@ | %@",
                    r.scenario,
                    r.records,
                    r.requests,
                    r.optimalRequests,
                    Double(r.bytesReceived) / 1_048_576,
                    r.seconds,
                    r.peakRSSMegabytes,
                    bound,
                    speedup,
                    r.note ?? ""
                )
            )
        }
        let checks = results.flatMap(\.checks)
        guard !checks.isEmpty else { return }
        print("")
        print("target | measured | limit | share of budget | holds")
        for check in checks {
            print(
                String(
                    format: "%@ | %.3f | %@ %.3f | %.2f | %@",
                    check.target,
                    check.measured,
                    check.atMost ? "≤" : "≥",
                    check.limit,
                    check.ratio,
                    check.holds ? "yes" : "NO"
                )
            )
        }
    }

    private func log(_ text: String) {
        FileHandle.standardError.write(Data("bench: \(text)\n".utf8))
    }
}

import ConnectWiseSimulator
import Foundation

/// The scenarios that run the real `cwql` binary in a child process against an in-process
/// simulator: its CPU time per megabyte of ConnectWise JSON, and its peak memory.
struct ChildScenarios {
    /// The `cwql` executable.
    let executable: String
    let latencyMilliseconds: Int
    let concurrency: Int

    /// CPU throughput a stream must reach: megabytes of ConnectWise JSON per second of cwql's CPU.
    static let megabytesPerCPUSecond = 150.0
    /// Peak memory a full-record stream must stay under, MiB.
    static let peakMegabytes = 64.0
    /// How much more memory ten times the records may take.
    static let memoryGrowth = 1.2

    /// The queries streamed: whole records, and a few columns (which ConnectWise sends alone).
    static let queries: [(name: String, text: String)] = [
        ("full records", "tickets"),
        ("select", "tickets | select id, summary, status, company"),
    ]

    /// A simulator with `tickets` tickets and the bench's latency.
    func site(tickets: Int) async throws -> SimulatorServer {
        var configuration = SimulatorConfiguration()
        configuration.tickets = tickets
        configuration.latencyMilliseconds = latencyMilliseconds
        return try await SimulatorServer.start(configuration)
    }

    /// Runs of each CPU scenario measured; the median counts (one run's CPU time varies by
    /// several percent on a shared machine).
    static let cpuRuns = 5

    /// `cwql --format FORMAT -c QUERY` against `server`, with its CPU time against the target:
    /// the median of ``cpuRuns`` by CPU time, after a warm-up (``medianRun(of:server:query:format:by:)``).
    func throughput(
        server: SimulatorServer,
        format: String,
        query: (name: String, text: String)
    ) async throws
        -> Measurement
    {
        var measurement = try await medianRun(
            of: Self.cpuRuns,
            server: server,
            query: query.text,
            format: format,
            by: { $0.cpuSeconds ?? 0 }
        )
        let megabytes = Double(measurement.bytesReceived) / 1_000_000
        let cpu = measurement.cpuSeconds ?? 0
        measurement.scenario = "CPU: \(query.name) to \(format)"
        measurement.note = String(
            format: "%.1f MB of JSON in %.3f s of CPU (median of %d): %.0f MB/s",
            megabytes,
            cpu,
            Self.cpuRuns,
            megabytes / max(cpu, 0.001)
        )
        measurement.checks = [
            TargetCheck(
                "CPU per MB, \(query.name) to \(format) (MB/s)",
                measured: megabytes / max(cpu, 0.001),
                atLeast: Self.megabytesPerCPUSecond
            )
        ]
        return measurement
    }

    /// Whole records to `format` for `tickets` / 10 and `tickets` records: the larger stream's
    /// peak memory, and its ratio to the smaller's.
    func memory(tickets: Int, format: String) async throws -> [Measurement] {
        var runs: [Measurement] = []
        for count in [tickets / 10, tickets] {
            let server = try await site(tickets: count)
            var measurement = try await run(server: server, query: "tickets", format: format)
            await server.stop()
            measurement.scenario = "memory: \(count) full records to \(format)"
            runs.append(measurement)
        }
        let (small, large) = (runs[0], runs[1])
        let growth = large.peakRSSMegabytes / max(1, small.peakRSSMegabytes)
        runs[1].note = String(
            format: "peak RSS %.1f MiB for %d records vs %.1f MiB for %d: ratio %.2f",
            large.peakRSSMegabytes,
            large.records,
            small.peakRSSMegabytes,
            small.records,
            growth
        )
        runs[1].checks = [
            TargetCheck(
                "peak RSS, \(large.records) full records to \(format) (MiB)",
                measured: max(small.peakRSSMegabytes, large.peakRSSMegabytes),
                atMost: Self.peakMegabytes
            ),
            TargetCheck(
                "memory growth \(small.records) → \(large.records) records, \(format)",
                measured: growth,
                atMost: Self.memoryGrowth
            ),
        ]
        return runs
    }

    /// `cwql -c QUERY --format jsonl > /dev/null` as a user runs it, start-up and the discovery
    /// of the API root included (remembered from an earlier run, as on any run but a site's
    /// first): one unmeasured run, then the median of three, against the latency bound and a
    /// sequential reader.
    func fetch(server: SimulatorServer, query: String, records: Int, sequential: Double) async throws -> Measurement {
        var median = try await medianRun(of: 3, server: server, query: query, format: "jsonl", by: \.seconds)
        let pages = Double((records + 999) / 1000)
        let bound = pages * Double(latencyMilliseconds) / 1000 / Double(concurrency)
        median.scenario = "fetch \(records) (select id, summary), cwql in a child process"
        median.records = records
        median.optimalRequests = (records + 999) / 1000
        median.ratioToLatencyBound = median.seconds / bound
        median.speedupOverSequential = sequential / median.seconds
        median.note = "median of 3 runs after a warm-up; start-up and discovery included (API root remembered)"
        median.checks = [
            TargetCheck(
                "fetch \(records) at \(latencyMilliseconds) ms, whole command (× latency bound)",
                measured: median.seconds / bound,
                atMost: 1.3
            ),
            TargetCheck(
                "fetch \(records), whole command: × faster than sequential",
                measured: sequential / median.seconds,
                atLeast: 5
            ),
        ]
        return median
    }

    /// One unmeasured run, which remembers the API root in a home of its own (as any run but a
    /// site's first does), then the median of `count` runs by `key`.
    private func medianRun(
        of count: Int,
        server: SimulatorServer,
        query: String,
        format: String,
        by key: (Measurement) -> Double
    ) async throws -> Measurement {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cwql-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        _ = try await run(server: server, query: query, format: format, home: home)
        var runs: [Measurement] = []
        for _ in 0..<count { runs.append(try await run(server: server, query: query, format: format, home: home)) }
        return runs.sorted { key($0) < key($1) }[count / 2]
    }

    /// Runs cwql once against `server`; requests and bytes are the server's count of them.
    private func run(
        server: SimulatorServer,
        query: String,
        format: String,
        home: String = "/nonexistent"
    ) async throws -> Measurement {
        let configuration = server.configuration
        let environment = [
            "CW_SITE": server.baseURL, "CW_COMPANY": configuration.company,
            "CW_PUBLIC_KEY": configuration.defaultMember.publicKey,
            "CW_PRIVATE_KEY": configuration.defaultMember.privateKey, "CW_CLIENT_ID": configuration.defaultClientId,
            "HOME": home, "XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config",
        ]
        let arguments = ["-c", query, "--format", format, "--concurrency", String(concurrency)]
        server.log.reset()
        let child = try await Task.detached { [executable] in
            try runChild(executable, arguments, environment: environment)
        }.value
        let requests = server.log.all.filter { !$0.path.hasPrefix("/login") }
        let records = configuration.tickets
        let pages = Double((records + 999) / 1000)
        return Measurement(
            scenario: query,
            records: records,
            requests: requests.count,
            optimalRequests: (records + 999) / 1000,
            bytesReceived: requests.reduce(0) { $0 + $1.responseBytes },
            seconds: child.seconds,
            peakRSSMegabytes: child.peakMegabytes,
            ratioToLatencyBound: child.seconds / (pages * Double(latencyMilliseconds) / 1000 / Double(concurrency)),
            speedupOverSequential: nil,
            note: child.status == 0 ? nil : "exit status \(child.status)",
            cpuSeconds: child.cpuSeconds
        )
    }
}

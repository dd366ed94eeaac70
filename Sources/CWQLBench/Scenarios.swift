import CWJSON
import CWQLLanguage
import CWQLRuntime
import ConnectWiseClient
import ConnectWiseSimulator
import Foundation
import Synchronization

/// Discards output but counts it.
final class CountingOutput: OutputSink {
    private let bytes = Atomic<Int>(0)
    func standardOutput(_ text: String) { bytes.add(text.utf8.count, ordering: .relaxed) }
    func standardOutput(bytes written: UnsafeBufferPointer<UInt8>) { bytes.add(written.count, ordering: .relaxed) }
    func standardError(_ text: String) {}
    var count: Int { bytes.load(ordering: .relaxed) }
}

/// The scenarios of the benchmark, run against one in-process simulator with latency.
struct Scenarios {
    let server: SimulatorServer
    let latency: Double
    let concurrency: Int

    /// - Parameter rate: requests a minute (the default pace unless a scenario measures cwql
    ///   past it).
    func client(concurrency: Int? = nil, prefetch: Int = 0, rate: Int = RequestPacer.defaultRate) -> ConnectWiseClient {
        let configuration = server.configuration
        return ConnectWiseClient(
            credentials: Credentials(
                site: URL(string: server.baseURL)!,
                company: configuration.company,
                publicKey: configuration.defaultMember.publicKey,
                privateKey: Secret(configuration.defaultMember.privateKey),
                clientId: configuration.defaultClientId
            ),
            concurrency: concurrency ?? self.concurrency,
            prefetch: prefetch,
            pacer: RequestPacer(perMinute: rate)
        )
    }

    /// Runs a cwql statement through the interpreter, as `cwql -c` would. With `runs` above 1,
    /// one unmeasured warm-up run comes first (the process's first pages and connections) and
    /// the median run is reported.
    func statement(
        _ name: String,
        _ text: String,
        records: Int,
        optimal: Int,
        bound: Bool,
        sequentialBaseline: Double? = nil,
        prefetch: Int = 0,
        rate: Int = RequestPacer.defaultRate,
        runs: Int = 1
    ) async throws -> Measurement {
        if runs > 1 { _ = try await run(text, prefetch: prefetch, rate: rate) }
        var measured: [(seconds: Double, requests: Int, bytes: Int)] = []
        for _ in 0..<max(1, runs) { measured.append(try await run(text, prefetch: prefetch, rate: rate)) }
        measured.sort { $0.seconds < $1.seconds }
        let median = measured[measured.count / 2]
        let pages = Double((records + 999) / 1000)
        return Measurement(
            scenario: name,
            records: records,
            requests: median.requests,
            optimalRequests: optimal,
            bytesReceived: median.bytes,
            seconds: median.seconds,
            peakRSSMegabytes: Memory.peakMegabytes(),
            ratioToLatencyBound: bound ? median.seconds / (pages * latency / Double(concurrency)) : nil,
            speedupOverSequential: sequentialBaseline.map { $0 / median.seconds },
            note: runs > 1 ? "median of \(runs) runs after a warm-up" : nil
        )
    }

    private func run(
        _ text: String,
        prefetch: Int,
        rate: Int
    ) async throws -> (seconds: Double, requests: Int, bytes: Int) {
        let client = client(prefetch: prefetch, rate: rate)
        var options = RunOptions()
        options.format = .jsonl
        options.assumeYes = true
        let output = CountingOutput()
        let interpreter = Interpreter(client: client, options: options, output: output)
        _ = try await client.apiRoot()
        server.log.reset()
        Memory.resetPeak()
        let (_, seconds) = try await timed { try await interpreter.run(SourceFile(name: "<bench>", text: text)) }
        let log = server.log.all
        return (seconds, log.count, log.reduce(0) { $0 + $1.responseBytes })
    }

    /// What peer libraries do: one page after another, 1,000 records a page.
    func sequentialFetch(conditions: String?, fields: [String]) async throws -> Double {
        let client = client(concurrency: 1)
        _ = try await client.apiRoot()
        let (_, seconds) = try await timed {
            var count = 0
            for try await _ in client.records(
                ListRequest(path: "/service/tickets", conditions: conditions, fields: fields, walk: .stable)
            ) { count += 1 }
            return count
        }
        return seconds
    }

    /// Compiles queries in a loop.
    static func translateThroughput(seconds budget: Double) -> Measurement {
        let queries = [
            #"tickets where board = "Help" and status != Closed"#,
            #"tickets where summary ~ "disk" and priority in (P1, P2) and entered > -7d | sort entered desc | take 20 | select id, summary, status, company"#,
            #"tickets where company = ACME | count by status"#,
            #"agreements where name = "Managed Services" | additions | select product, quantity"#,
        ]
        let environment = CompileEnvironment(now: UTCDate(year: 2026, month: 11, day: 22))
        var done = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while elapsed < budget {
            for query in queries { _ = try? Translator.translate(query, environment: environment) }
            done += queries.count
            if done % 4000 == 0 { elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        }
        elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Measurement(
            scenario: "translate throughput",
            records: done,
            requests: 0,
            optimalRequests: 0,
            bytesReceived: 0,
            seconds: elapsed,
            peakRSSMegabytes: Memory.peakMegabytes(),
            note: String(format: "%.0f queries/s", Double(done) / elapsed)
        )
    }
}

import CWJSON
import CWQLTestSupport
import ConnectWiseCallbacks
import ConnectWiseRequests
import ConnectWiseSimulator
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `cwql listen` against the simulator's callbacks on loopback: it registers its callback,
/// runs its block once per change, refuses bad, unsigned, foreign-keyed and malformed
/// callbacks with a 4xx, recognises a replayed one, receives the simulator's retries after a
/// restart, and the simulator disables a callback that keeps failing.
@Suite("cwql listen")
struct ListenTests {
    /// A running `cwql listen`, its standard error collected.
    final class Listener: @unchecked Sendable {
        let process: Process
        private let lines = NSLock()
        private var text = ""

        init(script: String, port: Int, environment: [String: String]) throws {
            process = CommandRunner.makeProcess(
                ["listen", script, "--port", String(port), "--register"],
                environment: environment
            )
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            err.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                guard let self, !data.isEmpty else { return }
                self.lines.withLock { self.text += String(decoding: data, as: UTF8.self) }
            }
            try process.run()
        }

        var stderr: String { lines.withLock { text } }

        func stop(_ signal: Int32 = SIGTERM) async {
            kill(process.processIdentifier, signal)
            await CommandRunner.exit(of: process)
        }
    }

    static func until(_ seconds: Double = 15, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition(), Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
    }

    static func post(_ url: String, body: [UInt8], signature: String?) throws -> Int {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        if let signature { request.setValue(signature, forHTTPHeaderField: CallbackSignature.header) }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var status = 0
        URLSession.shared.dataTask(with: request) { _, response, _ in
            status = (response as? HTTPURLResponse)?.statusCode ?? 0
            done.signal()
        }.resume()
        done.wait()
        return status
    }

    @Test func signedCallbacksRunTheBlockOnceAndTheRestAreRefused() async throws {
        try await SimulatedSite.with(
            over: .loopback,
            tickets: 30,
            configure: {
                $0.callbackRetryDelays = [0.5, 1, 2]
                $0.callbackTimeout = 0.5
                $0.callbackFailuresBeforeDisabling = 2
            }
        ) { site in
            let home = try TemporaryFolder.make("cwql-home").path
            let environment = site.environment.merging(["HOME": home, "XDG_CONFIG_HOME": "", "XDG_STATE_HOME": ""]) {
                $1
            }
            let script = try TemporaryFolder.make("cwql-listen").appendingPathComponent("heard.cwql").path
            try "on ticket changed {\n  $change | note \"heard \\($action) \\($change.summary)\"\n}\n"
                .write(toFile: script, atomically: true, encoding: .utf8)
            let port = Int.random(in: 21_000...29_000)
            let url = "http://127.0.0.1:\(port)/"
            var listener = try Listener(script: script, port: port, environment: environment)
            try await ListenTests.until { listener.stderr.contains("registered callback") }
            #expect(listener.stderr.contains("registered callback"), "\(listener.stderr)")

            let client = site.client()
            func change(_ id: Int, _ summary: String) async throws {
                _ = try await client.send(RecordEdits.summary(of: id, to: summary))
            }
            func heard(_ id: Int) -> [String] {
                site.server.store.records("ticket_notes").filter { $0["ticketId"]?.intValue == id }
                    .compactMap { $0["text"]?.stringValue }.filter { $0.hasPrefix("heard ") }
            }

            // A change in ConnectWise: its callback runs the block once.
            try await change(3, "first")
            try await ListenTests.until { !heard(3).isEmpty }
            #expect(heard(3) == ["heard updated first"], "\(listener.stderr)")

            // A signed callback, delivered twice (a retry, or a replay): handled once.
            let keyURL = site.server.baseURL + "/\(site.server.configuration.codebase)system/callbackkey/index.rails"
            let key = site.server.configuration.callbackSigningKey
            func body(
                _ type: String,
                _ id: Int,
                keyURL: String = keyURL,
                message: String = UUID().uuidString
            ) -> [UInt8] {
                CallbackPayload(
                    messageId: message,
                    action: "updated",
                    type: type,
                    id: id,
                    entity: nil,
                    keyURL: keyURL,
                    callbackId: 1
                ).body(fromURL: site.server.baseURL, companyId: "demo", memberId: "api-demo")
            }
            let replayed = body("ticket", 7)
            let signature = CallbackSignature.sign(replayed, signingKey: key)
            #expect(try ListenTests.post(url, body: replayed, signature: signature) == 200)
            try await ListenTests.until { heard(7).count == 1 }
            #expect(try ListenTests.post(url, body: replayed, signature: signature) == 200)
            try await Task.sleep(nanoseconds: 500_000_000)
            #expect(heard(7).count == 1)
            #expect(listener.stderr.contains("already kept"), "\(listener.stderr)")

            // Refused, each with a 4xx and a line, never run.
            var tampered = body("ticket", 8)
            let tamperedSignature = CallbackSignature.sign(tampered, signingKey: key)
            tampered[tampered.count - 2] = UInt8(ascii: "9")
            #expect(try ListenTests.post(url, body: tampered, signature: tamperedSignature) == 401)
            #expect(try ListenTests.post(url, body: body("ticket", 8), signature: nil) == 401)
            let wrongKey = body("ticket", 8)
            #expect(
                try ListenTests.post(url, body: wrongKey, signature: CallbackSignature.sign(wrongKey, signingKey: "x"))
                    == 401
            )
            let foreign = body("ticket", 8, keyURL: "http://attacker.example/key")
            #expect(
                try ListenTests.post(url, body: foreign, signature: CallbackSignature.sign(foreign, signingKey: key))
                    == 401
            )
            #expect(try ListenTests.post(url, body: Array("{\"nope\": 1}".utf8), signature: "AAAA") == 400)
            let company = body("company", 2)
            #expect(
                try ListenTests.post(url, body: company, signature: CallbackSignature.sign(company, signingKey: key))
                    == 422
            )
            try await Task.sleep(nanoseconds: 300_000_000)
            #expect(heard(8).isEmpty)
            #expect(listener.stderr.contains("the signature does not match"))
            #expect(listener.stderr.contains("is not on"))

            // Down when ConnectWise calls: its retry reaches the listener once it is back.
            await listener.stop(SIGKILL)
            try await change(4, "while down")
            listener = try Listener(script: script, port: port, environment: environment)
            try await ListenTests.until { heard(4).count == 1 }
            #expect(heard(4) == ["heard updated while down"], "\(listener.stderr)")

            // Stopped with SIGTERM: it removes the callbacks it registered.
            await listener.stop()
            #expect(listener.process.terminationStatus == 0, "\(listener.stderr)")
            #expect(listener.stderr.contains("removed callback"))
            let active = try await client.get("/system/callbacks", query: [("conditions", "type = \"ticket\"")])
            #expect(active.arrayValue?.count == 1, "the callback the killed listener left: \(active)")

            // That one keeps failing: the simulator disables it after two failed deliveries.
            try await change(5, "nobody home")
            try await change(6, "nobody home")
            let left = try #require(active.arrayValue?.first?["id"]?.intValue)
            let entry = try await Polling.read(
                tries: 200,
                every: 0.1,
                { try await client.get("/system/callbacks/\(left)") },
                until: { $0["inactiveFlag"]?.boolValue == true }
            )
            #expect(entry["inactiveFlag"]?.boolValue == true, "\(entry)")
        }
    }
}

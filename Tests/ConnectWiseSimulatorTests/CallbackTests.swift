import CWJSON
import CWQLTestSupport
import ConnectWiseRequests
import ConnectWiseSimulator
import Foundation
import Testing

/// The simulator's `/system/callbacks`: an entry whose deliveries keep failing is disabled.
@Suite("Simulator: callbacks")
struct CallbackTests {
    @Test func aCallbackThatKeepsFailingIsDisabled() async throws {
        try await SimulatedSite.with(
            tickets: 10,
            configure: {
                $0.callbackRetryDelays = [0.05]
                $0.callbackTimeout = 0.5
                $0.callbackFailuresBeforeDisabling = 2
            }
        ) { site in
            let client = site.client()
            let made = try await client.send(
                Request(
                    .post,
                    "/system/callbacks",
                    body: .object(
                        JSONObject([
                            "url": .string("http://127.0.0.1:1/"), "type": .string("ticket"), "level": .string("owner"),
                            "objectId": .int(1), "description": .string("nobody home"),
                        ])
                    )
                )
            )
            let id = try #require(made.body["id"]?.intValue)
            for ticket in [2, 3] {
                _ = try await client.send(RecordEdits.summary(of: ticket, to: "x"))
            }
            let entry = try await Polling.read(
                tries: 100,
                every: 0.05,
                { try await client.get("/system/callbacks/\(id)") },
                until: { $0["inactiveFlag"]?.boolValue == true }
            )
            #expect(entry["inactiveFlag"]?.boolValue == true, "\(entry)")
        }
    }
}

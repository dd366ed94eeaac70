import CWJSON
import Foundation
import Testing

@Suite("Simulator: discovery, authentication, clientId and permissions")
struct AuthenticationTests {
    @Test func companyInfoGivesTheCodebase() async throws {
        try await withSimulator { sim in
            let info = try await sim.send(.GET, "\(sim.server.baseURL)/login/companyinfo/demo", headers: [:])
            #expect(info.status == 200)
            #expect(info.json?["Codebase"]?.stringValue == "v4_6_release/")
            #expect(info.json?["CompanyID"]?.stringValue == "demo")
            let unknown = try await sim.send(.GET, "\(sim.server.baseURL)/login/companyinfo/nobody", headers: [:])
            #expect(unknown.status == 404)
        }
    }

    @Test func missingOrWrongCredentialsAre401() async throws {
        try await withSimulator { sim in
            let cases: [[String: String]] = [
                ["clientId": SimulatorHarness.clientId],
                [
                    "clientId": SimulatorHarness.clientId,
                    "Authorization": "Basic " + Data("demo+demo-public:wrong".utf8).base64EncodedString(),
                ],
                [
                    "clientId": SimulatorHarness.clientId,
                    "Authorization": "Basic "
                        + Data("DEMO+demo-public:demo-private-key-0123456789".utf8).base64EncodedString(),
                ],
                ["clientId": SimulatorHarness.clientId, "Authorization": "Basic not-base64!"],
                ["clientId": SimulatorHarness.clientId, "Authorization": "Bearer abc"],
            ]
            for headers in cases {
                let reply = try await sim.send(.GET, "/service/tickets", headers: headers)
                #expect(reply.status == 401)
                #expect(reply.json?["code"]?.stringValue == "Unauthorized")
            }
        }
    }

    @Test func clientIdIsRequiredAndMustBeRegistered() async throws {
        try await withSimulator { sim in
            let missing = try await sim.send(
                .GET,
                "/service/tickets",
                headers: ["Authorization": SimulatorHarness.auth]
            )
            #expect(missing.status == 400)
            #expect(missing.json?["message"]?.stringValue?.contains("clientId") == true)
            let unknown = try await sim.send(
                .GET,
                "/service/tickets",
                headers: ["Authorization": SimulatorHarness.auth, "clientId": "nope"]
            )
            #expect(unknown.status == 400)
            #expect(unknown.json?["message"]?.stringValue?.contains("clientId") == true)
        }
    }

    @Test func rolesWithoutAModuleGet403NamingIt() async throws {
        try await withSimulator { sim in
            let limited = [
                "clientId": SimulatorHarness.clientId,
                "Authorization": "Basic "
                    + Data("demo+limited-public:limited-private-key-0123456789".utf8).base64EncodedString(),
            ]
            let reply1 = try await sim.send(.GET, "/service/tickets", headers: limited)
            #expect(reply1.status == 200)
            let denied: [(String, String)] = [
                ("/company/companies", "Companies > Company Maintenance"),
                ("/finance/agreements", "Finance > Agreements"),
                ("/time/entries", "Time > Time Entry"), ("/project/projects", "Project > Project Headers"),
                ("/project/tickets", "Project > Project Tickets"), ("/sales/opportunities", "Sales > Opportunity"),
                ("/company/configurations", "Companies > Configurations"),
            ]
            for (path, module) in denied {
                let reply = try await sim.send(.GET, path, headers: limited)
                #expect(reply.status == 403, "\(path)")
                #expect(reply.json?["message"]?.stringValue?.contains(module) == true, "\(path)")
            }
        }
    }

    @Test func unknownPathsAre404() async throws {
        try await withSimulator { sim in
            let reply2 = try await sim.send(.GET, "/service/widgets")
            #expect(reply2.status == 404)
            let reply3 = try await sim.send(.GET, "/service/tickets/999999")
            #expect(reply3.status == 404)
            let reply4 = try await sim.send(.GET, "\(sim.server.baseURL)/v2019_1/apis/3.0/service/tickets")
            #expect(reply4.status == 404)
        }
    }
}

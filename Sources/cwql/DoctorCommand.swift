import ArgumentParser
import CWJSON
import ConnectWiseClient
import Foundation

/// `cwql doctor`: the "Save and Test" of the setup guides, capability by capability.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Test the connection and show which capabilities the API keys allow.",
        discussion: "Exits 0 when the keys work (whatever they may reach), 3 when the site, company, keys or client ID are wrong.")

    @OptionGroup var connection: ConnectionOptions

    /// What doctor probes: a label, the module named as ConnectWise names it, and a path.
    static let capabilities: [(label: String, module: String, path: String)] = [
        ("service tickets", "Service Desk > Service Tickets", "/service/tickets"),
        ("project tickets", "Project > Project Tickets", "/project/tickets"),
        ("projects", "Project > Project Headers", "/project/projects"),
        ("opportunities", "Sales > Opportunity", "/sales/opportunities"),
        ("companies", "Companies > Company Maintenance", "/company/companies"),
        ("contacts", "Companies > Contacts", "/company/contacts"),
        ("configurations", "Companies > Configurations", "/company/configurations"),
        ("agreements", "Finance > Agreements", "/finance/agreements"),
        ("time entries", "Time > Time Entry", "/time/entries"),
        ("members", "System > Members", "/system/members"),
    ]

    func run() async throws {
        let credentials: Credentials
        let profile: String
        do {
            (credentials, profile) = try connection.credentials()
        } catch {
            throw fail(error)
        }
        let client = connection.makeClient(credentials)
        standardOutput("site:     \(credentials.site.absoluteString) (profile \(profile))")
        standardOutput("company:  \(credentials.company)")
        do {
            let root = try await client.apiRoot(refresh: true)  // always asks, and renews what is remembered
            let info = client.discoveredCompanyInfo ?? .null
            standardOutput("codebase: \(info["Codebase"]?.stringValue ?? "?") (\(info["CompanyName"]?.stringValue ?? "?"), version \(info["VersionCode"]?.stringValue ?? "?"))")
            standardOutput("api root: \(root)")
            _ = try await client.get("/system/info")
            standardOutput("auth:     ok (keys accepted, client ID registered)")
        } catch {
            standardOutput("auth:     failed")
            throw fail(error)
        }
        standardOutput("\n")
        let width = Self.capabilities.map(\.label.count).max()! + 2
        standardOutput("capability".padding(toLength: width, withPad: " ", startingAt: 0) + "result     module")
        var allowed = 0
        for capability in Self.capabilities {
            let result: String
            do {
                _ = try await client.get(capability.path, query: [("pageSize", "1"), ("fields", "id")])
                result = "allowed"
                allowed += 1
            } catch let error as ConnectWiseError {
                if case .forbidden = error { result = "forbidden" } else { result = "error: \(error)" }
            }
            standardOutput(capability.label.padding(toLength: width, withPad: " ", startingAt: 0)
                  + result.padding(toLength: 10, withPad: " ", startingAt: 0) + " " + capability.module)
        }
        standardOutput("\n\(allowed) of \(Self.capabilities.count) capabilities allowed")
    }
}

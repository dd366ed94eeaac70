import ArgumentParser
import CWJSON
import CWQLLanguage
import ConnectWiseClient
import Foundation

/// `cwql doctor`: the "Save and Test" of the setup guides, capability by capability.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Test the connection and show which capabilities the API keys allow.",
        discussion:
            "Exits 0 when the keys work (whatever they may reach), 3 when the site, company, keys or client ID are wrong."
    )

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Probe every source of the catalog, not one per security module, and summarise by module.")
    var all = false

    func run() async throws {
        let credentials: Credentials
        let profile: String
        let client: ConnectWiseClient
        do {
            (credentials, profile) = try connection.credentials()
            client = try connection.makeClient(credentials)
        } catch {
            throw fail(error)
        }
        standardOutput("site:     \(credentials.site.absoluteString) (profile \(profile))")
        standardOutput("company:  \(credentials.company)")
        do {
            let root = try await client.apiRoot(refresh: true)  // always asks, and renews what is remembered
            let info = client.discoveredCompanyInfo ?? .null
            standardOutput(
                "codebase: \(info["Codebase"]?.stringValue ?? "?") (\(info["CompanyName"]?.stringValue ?? "?"), version \(info["VersionCode"]?.stringValue ?? "?"))"
            )
            standardOutput("api root: \(root)")
            _ = try await client.get("/system/info")
            standardOutput("auth:     ok (keys accepted, client ID registered)")
        } catch {
            standardOutput("auth:     failed")
            throw fail(error)
        }
        standardOutput("\n")
        if all {
            await probeEverySource(client)
        } else {
            await probeEachModule(client)
        }
    }

    /// One source per security module, from the catalog: `allowed`, `forbidden` or the error.
    private func probeEachModule(_ client: ConnectWiseClient) async {
        let probes = Catalog.standard.moduleProbes
        let results = await Self.probe(probes.map(\.entity), client)
        let width = max("source".count, probes.map(\.entity.name.count).max() ?? 0) + 2
        standardOutput("source".padding(toLength: width, withPad: " ", startingAt: 0) + "result     module")
        for (probe, result) in zip(probes, results) {
            standardOutput(
                probe.entity.name.padding(toLength: width, withPad: " ", startingAt: 0)
                    + result.text.padding(toLength: 10, withPad: " ", startingAt: 0) + " " + probe.module
            )
        }
        let allowed = results.filter(\.isAllowed).count
        standardOutput(
            "\n\(allowed) of \(probes.count) modules allowed (`cwql doctor --all` probes all \(Catalog.standard.sourceNames.count) sources)"
        )
    }

    /// Every source of the catalog, summarised by module; what is not allowed is named.
    private func probeEverySource(_ client: ConnectWiseClient) async {
        let groups = Catalog.standard.sourcesByModule
        let results = await Self.probe(groups.flatMap(\.entities), client)
        var offset = 0
        var allowedInAll = 0
        let width = (groups.map(\.module.count).max() ?? 0) + 2
        standardOutput("module".padding(toLength: width, withPad: " ", startingAt: 0) + "allowed")
        for group in groups {
            let own = Array(results[offset..<(offset + group.entities.count)])
            offset += group.entities.count
            let allowed = own.filter(\.isAllowed).count
            allowedInAll += allowed
            standardOutput(
                group.module.padding(toLength: width, withPad: " ", startingAt: 0) + "\(allowed) of \(own.count)"
            )
            // A module the keys can't reach at all is one line; otherwise each source left out is named.
            guard allowed > 0 || own.contains(where: { $0.text != "forbidden" }) else { continue }
            for (entity, result) in zip(group.entities, own) where !result.isAllowed {
                standardOutput("  \(entity.name) (\(entity.path)): \(result.text)")
            }
        }
        standardOutput("\n\(allowedInAll) of \(results.count) sources allowed")
    }

    /// What a probe found.
    struct ProbeResult: Sendable {
        var text: String
        var isAllowed: Bool { text == "allowed" }
    }

    /// Asks each source for one record (its id, where its model has one); the client keeps
    /// `--concurrency` of them in flight. The results keep the sources' order.
    static func probe(_ entities: [EntitySpec], _ client: ConnectWiseClient) async -> [ProbeResult] {
        var results = Array(repeating: ProbeResult(text: ""), count: entities.count)
        await withTaskGroup(of: (Int, ProbeResult).self) { group in
            for (index, entity) in entities.enumerated() {
                let path = entity.path
                let query = [("pageSize", "1")] + (entity.field(named: "id") != nil ? [("fields", "id")] : [])
                group.addTask {
                    do {
                        _ = try await client.get(path, query: query)
                        return (index, ProbeResult(text: "allowed"))
                    } catch let error as ConnectWiseError {
                        if case .forbidden = error { return (index, ProbeResult(text: "forbidden")) }
                        return (index, ProbeResult(text: "error: \(error)"))
                    } catch {
                        return (index, ProbeResult(text: "error: \(error)"))
                    }
                }
            }
            for await (index, result) in group { results[index] = result }
        }
        return results
    }
}

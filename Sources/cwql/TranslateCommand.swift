import ArgumentParser
import CWQLLanguage
import Foundation

/// `cwql translate 'QUERY' [--url] [--json]`: the conditions string and request plan of a
/// query, with no network and no credentials.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Show the ConnectWise conditions and requests a query compiles to (no network).",
        discussion: """
            Prints the conditions, customFieldConditions, orderBy, fields and pageSize parameters.
            With --url, prints every request (method, path under the API root, URL-encoded query).
            With --json, prints the whole plan as JSON. Compile errors exit with status 2.
            """
    )

    @Argument(help: "The query, e.g. 'tickets where board = \"Help\"'.")
    var query: String

    @Flag(help: "Print each request the query makes: method, path and URL-encoded query string.")
    var url = false

    @Flag(help: "Print the plan as JSON.")
    var json = false

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a variable used by the query.", valueName: "name=value"))
    var variables: [String] = []

    @Option(help: ArgumentHelp("The moment relative dates count from (default: the current time).", valueName: "date"))
    var now: String?

    func run() throws {
        let zone: LocalZone
        do {
            zone = try TimeZones.fromEnvironment()
        } catch {
            standardError("error: \(error)")
            throw ExitStatus.configuration.exitCode
        }
        let environment = CompileEnvironment(
            now: try referenceTime(),
            variables: try parsedVariables(),
            zone: zone,
            me: ProcessInfo.processInfo.environment["CW_MEMBER"].flatMap { $0.isEmpty ? nil : $0 }
        )
        let plan: QueryPlan
        do {
            plan = try Translator.translate(query, environment: environment)
        } catch {
            standardError(error.description)
            throw ExitStatus.usage.exitCode
        }
        if json {
            standardOutput(TranslationReport(plan: plan).json)
        } else if url {
            standardOutput(TranslationReport(plan: plan).requestLines)
        } else {
            standardOutput(TranslationReport(plan: plan).parameterLines)
        }
    }

    private func referenceTime() throws -> UTCDate {
        guard let now else { return UTCDate(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)) }
        guard let literal = DateLiteral(parsing: now) else {
            throw ValidationError("--now takes a date such as 2026-01-31 or 2026-01-31T09:30:00Z, not '\(now)'")
        }
        return literal.date
    }

    private func parsedVariables() throws -> [String: Value] {
        do {
            return try CommandLineVariables.parse(variables)
        } catch {
            throw ValidationError(error.description)
        }
    }
}

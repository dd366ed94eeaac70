import ArgumentParser
import CWQLLanguage

/// `cwql schema [PATTERN]`: the entities of the catalog (generated from ConnectWise's spec),
/// or one entity's fields, types, children and allowed writes. No network.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "List the entities cwql knows, or one entity's fields and types (no network).",
        discussion: """
            Without a pattern, lists every entity with its ConnectWise path. A pattern that names an
            entity (tickets, ticket, schedule_entries) shows its fields with their types, aliases,
            children and the writes the spec allows; any other pattern lists the entities whose name
            or path contains it. The catalog is generated from ConnectWise's published API spec.
            """
    )

    @Argument(help: "An entity name, or text to look for in entity names and paths.")
    var pattern: String = ""

    func run() throws {
        let schema = SchemaDescription()
        guard let text = schema.describe(pattern) else {
            standardError("error: " + schema.noMatch(pattern))
            throw ExitStatus.usage.exitCode
        }
        standardOutput(text)
    }
}

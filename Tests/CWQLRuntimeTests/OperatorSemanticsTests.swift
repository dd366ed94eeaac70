import CWJSON
import CWQLLanguage
import Testing

@testable import CWQLRuntime
@testable import ConnectWiseSimulator

/// One meaning per operator: each condition, on each record, gives the same answer when
/// ConnectWise evaluates it (the simulator's own evaluator, fed the compiled conditions string)
/// and when it runs on the client (after a `take`, say).
@Suite("Operators mean the same on the server and on the client")
struct OperatorSemanticsTests {
    static let record: JSON = .object(
        JSONObject(pairs: [
            ("id", .int(7)), ("summary", .string("Disk full on SRV01")), ("closedFlag", .bool(false)),
            ("board", .object(JSONObject(pairs: [("id", .int(1)), ("name", .string("Help"))]))),
            ("_info", .object(JSONObject(["dateEntered": .string("2026-11-20T10:00:00Z")]))),
        ])
    )

    /// (condition, expected) on ``record``.
    static let table: [(String, Bool)] = [
        (#"summary like "Disk%""#, true), (#"summary like "Disk*""#, true), (#"summary like "*SRV01""#, true),
        (#"summary like "disk%""#, true), (#"summary like "D_sk%""#, true), (#"summary like "Disk""#, false),
        (#"summary not like "%SRV02""#, true), (#"summary like "%full%""#, true), (#"summary like "*x*""#, false),
        (#"summary ~ "FULL""#, true), (#"summary !~ "full""#, false), (#"summary = "disk full on srv01""#, true),
        (#"board = Help"#, true), (#"board != Help"#, false), (#"board in (Help, Alerts)"#, true),
        (#"id > 5 and id < 8"#, true), (#"id >= 8 or closed = true"#, false), (#"not (id = 7)"#, false),
        (#"owner is null"#, true), (#"summary is not null"#, true), (#"entered > 2026-11-19"#, true),
        (#"entered = 2026-11-20"#, true), (#"entered != 2026-11-20"#, false),
    ]

    @Test(arguments: table)
    func serverAndClientAgree(condition: String, expected: Bool) throws {
        let environment = CompileEnvironment(now: UTCDate(year: 2026, month: 11, day: 22))
        let source = SourceFile(name: "<table>", text: "tickets where \(condition)")
        let plan = try Translator.translate(source.text, environment: environment)
        let conditions = try #require(plan.segments[0].filter.conditions).rendered()
        let server = ConditionsEvaluator.matches(try ConditionsParser.parse(conditions), OperatorSemanticsTests.record)
        #expect(server == expected, "server: \(conditions)")

        let client = try clientAnswer(
            source,
            entity: "tickets",
            record: OperatorSemanticsTests.record,
            environment: environment
        )
        #expect(client == expected, "client: \(condition)")
    }
}

/// The answer of a query's first `where`, run on the client against one record.
func clientAnswer(
    _ source: SourceFile,
    entity name: String,
    record: JSON,
    environment: CompileEnvironment
) throws -> Bool {
    let program = try Parser.parse(source)
    guard case .pipeline(let pipeline) = program.statements[0].kind, let first = pipeline.stages.first,
        case .where(let parsed) = first.kind
    else {
        Issue.record("no where in \(source.text)")
        return false
    }
    let entity = try #require(Catalog.standard.entity(named: name))
    let predicate = try ConditionCompiler(entity: entity, source: source, environment: environment).predicate(parsed)
    return predicate.evaluate(lookup: { record.lookup($0) }, custom: { record.customField($0) }) == true
}

/// Conditions on fields of a list's elements (`childConditions` on the server): one element
/// must satisfy every such comparison, on the server and on the client alike.
@Suite("List fields mean the same on the server and on the client")
struct ListFieldSemanticsTests {
    static let contact: JSON = .object(
        JSONObject(pairs: [
            ("id", .int(3)), ("firstName", .string("Ann")),
            (
                "communicationItems",
                .array([
                    .object(
                        JSONObject(pairs: [("value", .string("555-0100")), ("communicationType", .string("Phone"))])
                    ),
                    .object(
                        JSONObject(pairs: [
                            ("value", .string("ann@acme.example")), ("communicationType", .string("Email")),
                        ])
                    ),
                ])
            ),
        ])
    )

    static let table: [(String, Bool)] = [
        (#"email = "ann@acme.example""#, true), (#"email ~ "@acme""#, true), (#"email ~ "555""#, false),
        (#"communicationItems.value ~ "555""#, true), (#"email !~ "@other""#, true),
        (#"communicationItems.value ~ "555" and communicationItems.communicationType = Email"#, false),
        (#"communicationItems.value ~ "@" and communicationItems.communicationType = Email and firstName = Ann"#, true),
        (#"email ~ "@acme" and firstName = Bob"#, false),
    ]

    @Test(arguments: table)
    func serverAndClientAgree(condition: String, expected: Bool) throws {
        let environment = CompileEnvironment(now: UTCDate(year: 2026, month: 11, day: 22))
        let source = SourceFile(name: "<table>", text: "contacts where \(condition)")
        let plan = try Translator.translate(source.text, environment: environment)
        let filter = plan.segments[0].filter
        let record = try #require(ListFieldSemanticsTests.contact.objectValue)
        let child = try #require(filter.childConditions)
        var query = ListQuery()
        query.conditions = try filter.conditions.map { try ConditionsParser.parse($0.rendered()) }
        query.childConditions = try ConditionsParser.parse(child.rendered())
        let server = query.matches(JSON.object(record))
        #expect(server == expected, "server: \(child.rendered())")

        let client = try clientAnswer(
            source,
            entity: "contacts",
            record: ListFieldSemanticsTests.contact,
            environment: environment
        )
        #expect(client == expected, "client: \(condition)")
    }
}

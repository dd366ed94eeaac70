import CWQLLanguage
import Testing

@testable import ConnectWiseSimulator

/// Hostile values in every literal position: the compiled conditions, read by the
/// simulator's independent parser, always hold exactly the one intended comparison.
@Suite("Condition injection: no value changes the structure of the conditions")
struct InjectionTests {
    static let hostile: [String] = [
        #"x" or id > 0 or summary = ""#, #"x\" or 1=1 --"#, "\\", "\\\\\"", "\"", "'", "''", "\") or (\"", "a) or (b",
        "[2026-01-01T00:00:00Z]", "%", "100%", "_", "*", "%\" or summary like \"%", "and", "or not", "null", "true",
        "1 = 1",
        "emoji 🎫 ✓ é", "line\nbreak", "tab\tstop", "\u{0}", "\r\n", "&pageSize=1000#", "+", "#", "?", "&", "=",
        "     ", "", "`backquote`", "$variable", "{brace}", "summary = \"x\"", "custom(\"A\")",
        String(repeating: "\"", count: 50),
    ]

    /// The value as the simulator's parser reads it back: one comparison on `summary`.
    func roundTrip(_ value: String, op: String) throws -> (String, ConditionsOperator, ConditionsValue)? {
        let plan = try Translator.translate(
            "tickets where summary \(op) $v",
            environment: CompileEnvironment(
                now: UTCDate(year: 2026, month: 1, day: 1),
                variables: ["v": .string(value)]
            )
        )
        let conditions = try #require(plan.segments[0].filter.conditions).rendered()
        guard case .compare(let path, let parsedOp, let parsed) = try ConditionsParser.parse(conditions) else {
            return nil
        }
        return (path, parsedOp, parsed)
    }

    @Test(arguments: ["=", "!=", "~", "!~", "like", "not like"])
    func everyHostileValueStaysOneLiteral(op: String) throws {
        let expectedOp: ConditionsOperator = [
            "=": .equal, "!=": .notEqual, "~": .contains, "!~": .notContains, "like": .like, "not like": .notLike,
        ][op]!
        for value in Self.hostile {
            let result = try roundTrip(value, op: op)
            #expect(result?.0 == "summary", "\(value.debugDescription)")
            #expect(result?.1 == expectedOp, "\(value.debugDescription)")
            #expect(result?.2 == .string(value), "\(value.debugDescription)")
        }
    }

    @Test func hostileValuesInListsCustomFieldsAndLiterals() throws {
        let environment = CompileEnvironment(
            now: UTCDate(year: 2026, month: 1, day: 1),
            variables: ["list": .list(Self.hostile.map(Value.string))]
        )
        let plan = try Translator.translate("tickets where summary in $list", environment: environment)
        guard
            case .list(let path, let negated, let values) = try ConditionsParser.parse(
                plan.segments[0].filter.conditions!.rendered()
            )
        else {
            Issue.record("not a single in-list")
            return
        }
        #expect(path == "summary" && !negated)
        #expect(values == Self.hostile.map(ConditionsValue.string))
        for value in Self.hostile {
            let custom = try Translator.translate(
                "tickets where custom(\"Alert ID\") = $v",
                environment: CompileEnvironment(
                    now: UTCDate(year: 2026, month: 1, day: 1),
                    variables: ["v": .string(value)]
                )
            )
            let node = try ConditionsParser.parse(custom.segments[0].filter.customFieldConditions!.rendered())
            guard
                case .and(.compare("caption", .equal, .string("Alert ID")), .compare("value", .equal, let parsed)) =
                    node
            else {
                Issue.record("custom field conditions changed shape for \(value.debugDescription)")
                continue
            }
            #expect(parsed == .string(value))
        }
    }

    @Test func hostileTextWrittenInSourceStaysOneLiteral() throws {
        for value in Self.hostile where !value.contains("\u{0}") && !value.contains("\n") && !value.contains("\r") {
            let escaped = value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\t", with: "\\t")
            let plan = try Translator.translate(
                "tickets where summary = \"\(escaped)\"",
                environment: CompileEnvironment(now: UTCDate(year: 2026, month: 1, day: 1))
            )
            let node = try ConditionsParser.parse(plan.segments[0].filter.conditions!.rendered())
            guard case .compare("summary", .equal, .string(let parsed)) = node else {
                Issue.record("shape changed for \(value.debugDescription)")
                continue
            }
            #expect(parsed == value)
        }
    }
}

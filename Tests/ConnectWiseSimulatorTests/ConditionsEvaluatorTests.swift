import CWJSON
import Testing

@testable import ConnectWiseSimulator

@Suite("Simulator conditions: parser and three-valued evaluator")
struct ConditionsEvaluatorTests {
    let record = JSON.object(
        JSONObject([
            "id": .int(7), "summary": .string("Disk full on SRV01"), "owner": .null, "closedFlag": .bool(false),
            "board": .object(JSONObject(["id": .int(1), "name": .string("Help")])),
            "dateEntered": .string("2026-11-20T10:00:00Z"), "budgetHours": .double(1.5),
        ])
    )

    func evaluate(_ text: String) throws -> Bool? {
        ConditionsEvaluator.evaluate(try ConditionsParser.parse(text), record)
    }

    @Test(arguments: [
        ("id = 7", true), ("id != 7", false), ("id >= 7 and id < 8", true), ("budgetHours > 1", true),
        ("summary contains \"DISK\"", true), ("summary not contains \"disk\"", false), ("summary like \"disk%\"", true),
        ("summary like \"%SRV0_\"", true), ("summary like \"Disk*\"", true), ("summary not like \"x%\"", true),
        ("board/name = \"help\"", true), ("board/id in (1, 2)", true), ("board/id not in (1, 2)", false),
        ("owner/identifier = null", true), ("owner/identifier != null", false), ("closedFlag = false", true),
        ("dateEntered > [2026-11-19T00:00:00Z]", true), ("dateEntered < [2026-11-20T10:00:00Z]", false),
        ("id = 1 or (id = 7 and closedFlag = false)", true), ("NOT id = 7", false),
        ("summary = 'Disk full on SRV01'", true),
        (#"summary = "Disk \"full\"""#, false),
    ])
    func knownAnswers(text: String, expected: Bool) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test func nullComparisonsAreUnknownAndStayUnknownUnderNot() throws {
        #expect(try evaluate("owner/identifier = \"jsmith\"") == nil)
        #expect(try evaluate("not owner/identifier = \"jsmith\"") == nil)
        #expect(try evaluate("owner/identifier = \"jsmith\" or id = 7") == true)
        #expect(try evaluate("owner/identifier = \"jsmith\" and id = 8") == false)
    }

    @Test(arguments: [
        "", "id", "id =", "id = \"x", "(id = 1", "id = 1)", "id in ()", "and id = 1", "id == 1", "id = [2026-99-99]",
    ])
    func malformedConditionsThrow(text: String) {
        #expect(throws: ConditionsSyntaxError.self) { try ConditionsParser.parse(text) }
    }

    @Test func datesRoundTrip() {
        for seconds: Int64 in [0, 86_399, 951_868_799, 1_795_305_600, -1] {
            #expect(SimulatorDates.parse(SimulatorDates.format(seconds)) == seconds)
        }
    }
}

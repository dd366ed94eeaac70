import CWJSON
import CWQLLanguage
import Testing

/// One value model from the wire to the output: a record is the JSON object ConnectWise sent.
@Suite struct ValueModelTests {
    static let ticket = try! JSONParser.parse(
        #"{"id":7,"summary":"Disk","board":{"id":1,"name":"Help"},"hours":2.0,"customFields":[{"caption":"Alert ID","value":"A-1"}]}"#
    )

    @Test func aRecordIsKeptAsSentAndGoesBackUnchanged() throws {
        let value = Value(Self.ticket)
        guard case .record(let record) = value else {
            Issue.record("not a record: \(value)")
            return
        }
        #expect(record.keys == ["id", "summary", "board", "hours", "customFields"])
        #expect(value.json == Self.ticket)
        #expect(JSONWriter.string(value.json) == JSONWriter.string(Self.ticket))
    }

    @Test func fieldsAreReadByOneRuleIgnoringCase() {
        guard case .record(let record) = Value(Self.ticket) else { return }
        #expect(record.field(named: "Summary") == .string("Disk"))
        #expect(record.value(atPath: "BOARD/name") == .string("Help"))
        #expect(Self.ticket.lookup("board/Name") == record.value(atPath: "board/name"))
        #expect(Self.ticket.customField("alert id") == .string("A-1"))
        #expect(record.field(named: "nothing") == nil)
    }

    @Test func printAndCellsShowValuesAlike() {
        guard case .record(let record) = Value(Self.ticket) else { return }
        // A reference shows its name; a number the same in a cell and in print.
        #expect(Value.record(record).displayText == "7")
        #expect(JSON.object(record)["board"]?.displayText == "Help")
        #expect(record.field(named: "board")?.displayText == "Help")
        #expect(JSON.double(2.0).displayText == Value.decimal(2.0).displayText)
        #expect(record.field(named: "hours")?.displayText == "2")
        #expect(
            JSON.array([.string("a"), .int(1)]).displayText == Value.list([.string("a"), .integer(1)]).displayText
        )
    }
}

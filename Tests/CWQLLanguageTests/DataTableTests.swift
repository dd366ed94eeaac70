import CWJSON
import CWQLLanguage
import Testing

@Suite("Rows from outside: CSV, JSON lines and JSON, typed, with located errors")
struct DataTableTests {
    func csv(_ text: String) throws(DataTable.Failure) -> DataTable {
        try DataTable.parse(Array(text.utf8), format: .csv, name: "t.csv")
    }

    @Test func csvFollowsRFC4180AndTypesItsCells() throws {
        let table = try csv(
            "\u{FEFF}name,seats,price,active,zip,note\r\n\"Wayne, Foods\",12,9.5,true,02134,\"said \"\"hi\"\"\nand left\"\r\nACME,,0.25,FALSE,10001,\n"
        )
        #expect(table.columns.map(\.name) == ["name", "seats", "price", "active", "zip", "note"])
        // `zip` holds text (02134 keeps its zero) and a number: a column of either.
        #expect(table.columns.map(\.valueType) == [.string, .integer, .decimal, .boolean, .unknown, .string])
        #expect(table.rows.count == 2)
        #expect(table.rows[0]["name"] == .string("Wayne, Foods"))
        #expect(table.rows[0]["seats"] == .int(12))
        #expect(table.rows[0]["price"] == .double(9.5))
        #expect(table.rows[0]["zip"] == .string("02134"))
        #expect(table.rows[0]["note"] == .string("said \"hi\"\nand left"))
        #expect(table.rows[1]["seats"] == .null)
        #expect(table.rows[1]["active"] == .bool(false))
        #expect(table.rows[1]["note"] == .null)
    }

    @Test func csvMistakesNameTheLine() {
        // The quoted field spans lines 3 and 4: the short row is on line 5.
        #expect(throws: DataTable.Failure(line: 5, reason: "this row has 1 field; the header has 2")) {
            try csv("a,b\n1,2\n\"x\ny\",3\n5\n")
        }
        #expect(throws: DataTable.Failure(line: 1, reason: "the header names `A` twice")) { try csv("a,A\n1,2\n") }
        #expect(throws: DataTable.Failure(line: 2, reason: "a quoted field is not closed")) { try csv("a\n\"open\n") }
        #expect(throws: DataTable.Failure(line: 2, reason: "text after a field's closing quote")) {
            try csv("a,b\n\"x\"y,2\n")
        }
        #expect(throws: DataTable.Failure(line: 1, reason: "column 2 of the header row has no name")) {
            try csv("a,,c\n")
        }
    }

    @Test func jsonLinesAndJSON() throws {
        let lines = try DataTable.parse(
            Array("{\"id\":1,\"host\":\"SRV01\"}\n\n{\"id\":2.5,\"tags\":[1]}\n".utf8),
            format: .jsonl,
            name: "a.jsonl"
        )
        #expect(lines.rows.count == 2)
        #expect(lines.columns.map(\.name) == ["id", "host", "tags"])
        #expect(lines.columns.map(\.valueType) == [.decimal, .string, .unknown])
        #expect(throws: DataTable.Failure(line: 3, reason: "invalid JSON: expected `,` or `}`")) {
            try DataTable.parse(Array("{}\n{}\n{\"a\":1 \"b\"}\n".utf8), format: .jsonl, name: "a.jsonl")
        }
        #expect(throws: DataTable.Failure(line: 1, reason: "expected an object on each line, found a number")) {
            try DataTable.parse(Array("7\n".utf8), format: .jsonl, name: "a.jsonl")
        }
        let array = try DataTable.parse(Array("[{\"a\":1},{\"a\":2}]".utf8), format: .json, name: "a.json")
        #expect(array.rows.count == 2)
        #expect(throws: DataTable.Failure(line: nil, reason: "item 2 of the array is a number, not an object")) {
            try DataTable.parse(Array("[{\"a\":1}, 3]".utf8), format: .json, name: "a.json")
        }
        #expect(throws: DataTable.Failure(line: 2, reason: "invalid JSON: unexpected end of input")) {
            try DataTable.parse(Array("[\n{\"a\":".utf8), format: .json, name: "a.json")
        }
    }
}

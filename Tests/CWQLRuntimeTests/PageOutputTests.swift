import CWJSON
import CWQLLanguage
import ConnectWiseClient
import Testing

@testable import CWQLRuntime

/// A printed `select` reads its columns from the page as it came, without building records: what
/// it prints must be exactly what printing the built records prints, in every format, whatever
/// the values (escapes, text past ASCII, nested objects, numbers kept as text, missing fields,
/// keys in another case or repeated).
@Suite("Output: pages read as they came print what built records print")
struct PageOutputTests {
    static let page = #"""
        [
          {"id": 1, "summary": "Printer offline", "status": {"id": 4, "name": "New"}, "company": {"identifier": "ACME"}},
          {"id": 2, "summary": "Quote \"this\", and a \\ back\nslash", "status": {"name": "Résolu"}, "company": null},
          {"id": 3, "SUMMARY": "=1+1", "status": {"name": "In Progress", "name": "Closed"}, "company": {"identifier": 7}},
          {"id": 12345678901234567890, "summary": "caf\u00e9 – ok", "status": {"na\u006de": "Escaped key"}},
          {"id": -4.5e3, "summary": "", "status": "not an object", "company": {"identifier": {"deep": [1, 2]}}},
          {"summary": "@risk", "id": 6, "status": {}, "company": {"identifier": "DEL\u007f"}},
          {"id": 7, "summary": "tab\there", "status": {"Name": "folded"}, "company": {"identifier": true}}
        ]
        """#

    static let columns = [
        OutputColumn(label: "id", path: "id"),
        OutputColumn(label: "summary", path: "summary"),
        OutputColumn(label: "status", path: "status/name"),
        OutputColumn(label: "company", path: "company/identifier"),
    ]

    /// Whole objects as columns: a cell shows one by its identifier, else name, else id (not
    /// null, spelled exactly), else as JSON.
    static let objectColumns = [
        OutputColumn(label: "status", path: "status"),
        OutputColumn(label: "id", path: "id"),
        OutputColumn(label: "company", path: "company"),
    ]

    /// What a writer prints for the page, handed over whole or record by record, `times` times
    /// (more than a table's look-ahead makes it stream the rest at its widths).
    func printed(
        _ format: OutputFormat,
        asPage: Bool,
        safeCSV: Bool = false,
        columns: [OutputColumn] = PageOutputTests.columns,
        times: Int = 1
    ) throws -> String {
        let document = try JSONDocument(parsing: Array(Self.page.utf8))
        var style = ResultStyle()
        style.format = format
        style.neutralizeFormulas = safeCSV
        var bytes: [UInt8] = []
        var writer = ResultWriter(style: style, columns: columns, projected: true) { bytes += $0 }
        for _ in 0..<times {
            if asPage {
                // Split in two, as a stream hands over the rest of a page after a record was taken.
                writer.write(RecordPage(document: document, elements: 0..<3))
                writer.write(RecordPage(document: document, elements: 3..<document.count))
            } else {
                var reader = JSONRecordReader(document)
                for position in 0..<document.count { writer.write(reader.element(position)) }
            }
        }
        writer.finish()
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test(arguments: OutputFormat.allCases)
    func objectsAndStreamedTablesPrintTheSameFromThePage(format: OutputFormat) throws {
        let times = ResultWriter.tableLookAhead / 7 + 3
        for columns in [Self.columns, Self.objectColumns] {
            let fromRecords = try printed(format, asPage: false, columns: columns, times: times)
            #expect(try printed(format, asPage: true, columns: columns, times: times) == fromRecords)
            #expect(fromRecords.contains("Printer offline") || columns == Self.objectColumns)
        }
    }

    @Test(arguments: OutputFormat.allCases)
    func anEmptyPagePrintsWhatNoRecordsPrint(format: OutputFormat) throws {
        let document = try JSONDocument(parsing: Array(Self.page.utf8))
        var style = ResultStyle()
        style.format = format
        var printed: [String] = []
        for handsOverAnEmptyPage in [false, true] {
            var bytes: [UInt8] = []
            var writer = ResultWriter(style: style, columns: Self.columns, projected: true) { bytes += $0 }
            if handsOverAnEmptyPage { writer.write(RecordPage(document: document, elements: 0..<0)) }
            writer.finish()
            printed.append(String(decoding: bytes, as: UTF8.self))
        }
        #expect(printed[1] == printed[0])
    }

    @Test func anObjectShowsByItsIdentifierNameOrId() throws {
        let csv = try printed(.csv, asPage: true, columns: Self.objectColumns)
        #expect(
            csv.split(separator: "\n").map(String.init) == [
                "status,id,company",
                "New,1,ACME",
                "Résolu,2,",
                "Closed,3,7",
                "Escaped key,1.2345678901234567e+19,",
                "not an object,-4500,\"{\"\"deep\"\":[1,2]}\"",
                "{},6,DEL\u{7F}",
                "\"{\"\"Name\"\":\"\"folded\"\"}\",7,true",
            ]
        )
    }

    @Test(arguments: OutputFormat.allCases)
    func everyFormatPrintsTheSameFromThePage(format: OutputFormat) throws {
        let fromRecords = try printed(format, asPage: false)
        #expect(try printed(format, asPage: true) == fromRecords)
        #expect(try printed(format, asPage: true, safeCSV: true) == printed(format, asPage: false, safeCSV: true))
        #expect(fromRecords.contains("Printer offline"))
    }

    @Test func theValuesAreTheBuiltRecordsValues() throws {
        let lines = try printed(.jsonl, asPage: true).split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        #expect(lines[0] == #"{"id":1,"summary":"Printer offline","status":"New","company":"ACME"}"#)
        #expect(
            lines[1] == #"{"id":2,"summary":"Quote \"this\", and a \\ back\nslash","status":"Résolu","company":null}"#
        )
        // A key in another case is found; of a repeated key the last value counts.
        #expect(lines[2] == #"{"id":3,"summary":"=1+1","status":"Closed","company":7}"#)
        // An integer too large for 64 bits reads as a double, as it always has.
        #expect(
            lines[3] == #"{"id":1.2345678901234567e+19,"summary":"café – ok","status":"Escaped key","company":null}"#
        )
        #expect(lines[4] == #"{"id":-4500,"summary":"","status":null,"company":{"deep":[1,2]}}"#)
        #expect(lines[6] == #"{"id":7,"summary":"tab\there","status":"folded","company":true}"#)
        let csv = try printed(.csv, asPage: true, safeCSV: true)
        #expect(csv.contains("\n2,\"Quote \"\"this\"\", and a \\ back\nslash\",Résolu,\n"))
        #expect(csv.contains("\n3,'=1+1,Closed,7\n"))
        #expect(csv.contains("\n6,'@risk,,DEL\u{7F}\n"))
    }

    @Test func aDocumentReadsValuesByPathLikeABuiltRecord() throws {
        let document = try JSONDocument(parsing: Array(Self.page.utf8))
        let built = try #require(document.value().arrayValue)
        #expect(document.count == built.count)
        for path in ["id", "summary", "status/name", "company/identifier", "nothing", "status/name/deeper"] {
            for position in built.indices {
                let expected = built[position].value(ignoringCaseAt: JSONPath(path))
                #expect(document.value(at: JSONPath(path), inElement: position) == expected, "\(path) of \(position)")
            }
        }
        var reader = JSONRecordReader(document)
        #expect((0..<document.count).map { reader.element($0) } == built)
    }
}

import CWJSON
import Testing

/// The JSON value every layer shares: objects keep their key order at every size, the parser
/// is strict and says where a document goes wrong, and writing what was parsed gives it back.
@Suite("JSON values, parser and writer")
struct JSONValueTests {
    @Test func objectsKeepKeyOrderAcrossTheIndexThreshold() throws {
        var object = JSONObject()
        let names = (0..<40).map { "field\($0)" }
        for (position, name) in names.enumerated() { object[name] = .int(position) }
        #expect(object.keys == names)
        #expect(object["field37"] == .int(37))
        object["field3"] = .string("changed")  // replacing keeps the position
        #expect(object.keys == names)
        #expect(object["field3"] == .string("changed"))
        object["field3"] = nil
        #expect(object.keys == names.filter { $0 != "field3" })
        #expect(object["field3"] == nil)
        #expect(object["field39"] == .int(39))  // lookups still right after a removal
        #expect(object.key(matching: "FIELD12") == "field12")
    }

    @Test func distinctPairsBuildTheSameObjectAsAssignments() {
        let pairs: [(String, JSON)] = (0..<20).map { ("k\($0)", .int($0)) }
        let built = JSONObject(distinctPairs: pairs)
        #expect(built == JSONObject(pairs: pairs))
        #expect(built["k19"] == .int(19))
        #expect(
            JSONObject(distinctPairs: Array(pairs.prefix(3)))
                != JSONObject(distinctPairs: Array(pairs.prefix(3).reversed()))
        )
    }

    @Test func duplicateKeysKeepTheLastValueInTheFirstPlace() throws {
        let parsed = try JSONParser.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        #expect(parsed.objectValue?.keys == ["a", "b"])
        #expect(parsed["a"] == .int(3))
    }

    @Test func writingWhatWasParsedGivesItBack() throws {
        let text =
            #"{"id":5,"summary":"Disk \"full\" é \u0001","_info":{"lastUpdated":"2026-11-23T00:00:00Z"},"n":[1.5,-2,true,null]}"#
        let parsed = try JSONParser.parse(text)
        #expect(try JSONParser.parse(JSONWriter.string(parsed)) == parsed)
        #expect(parsed.value(atPath: "_info/lastUpdated")?.stringValue == "2026-11-23T00:00:00Z")
    }

    @Test func malformedDocumentsSayWhereAndWhy() {
        for (text, offset) in [(#"{"a" 1}"#, 5), ("[1, 2", 5), (#"{"a": tru}"#, 6), ("1 2", 2)] {
            #expect(throws: JSONParser.Failure.self, "\(text)") { try JSONParser.parse(text) }
            do {
                _ = try JSONParser.parse(text)
            } catch {
                #expect(error.offset == offset, "\(text): \(error)")
            }
        }
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(deep) }
    }

    @Test func documentsOfManySmallValuesAndDeepNestingParseWhole() throws {
        // Far more values than the tape is first sized for (one per 8 bytes): it grows.
        let count = 100_000
        let small = "[" + Array(repeating: "1", count: count).joined(separator: ",") + "]"
        let parsed = try JSONParser.parse(small)
        #expect(parsed.arrayValue?.count == count)
        #expect(JSONWriter.string(parsed) == small)
        // Nesting up to the limit parses; one more level does not.
        let limit = 512
        let deepest = String(repeating: "[", count: limit) + "7" + String(repeating: "]", count: limit)
        #expect(JSONWriter.string(try JSONParser.parse(deepest)) == deepest)
        let tooDeep = "[" + deepest + "]"
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(tooDeep) }
    }

    @Test func numbersFollowTheGrammar() throws {
        for (text, value) in [
            ("0", JSON.int(0)), ("-0", .int(0)), ("0.5", .double(0.5)), ("10", .int(10)), ("-12e2", .double(-1200)),
            ("1E+2", .double(100)), ("0e1", .double(0)), ("9223372036854775807", .int(.max)),
        ] {
            #expect(try JSONParser.parse(text) == value, "\(text)")
        }
        // Too large for an integer: a double, not a failure.
        #expect(try JSONParser.parse("92233720368547758070") == .double(92_233_720_368_547_758_070))
        for (text, offset) in [
            ("01", 1), ("-01", 2), ("[00]", 2), ("1.", 2), ("1e", 2), ("-", 1), (".5", 0), ("+1", 0), ("1.5.2", 3),
        ] {
            #expect(throws: JSONParser.Failure.self, "\(text)") { try JSONParser.parse(text) }
            do {
                _ = try JSONParser.parse(text)
            } catch {
                #expect(error.offset == offset, "\(text): \(error)")
            }
        }
    }

    @Test func stringsAndLiteralsFollowTheGrammar() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONParser.parse(#""a\/b\tc""#) == .string("a/b\tc"))
        #expect(try JSONParser.parse(" [true, false, null] ") == .array([.bool(true), .bool(false), .null]))
        for text in [
            #""a\u0""#, "\"\u{1}\"", "\"tab\there\"", "\"unterminated", "nul", "[1,]", "{\"a\":1,}", "{a:1}", "'x'",
        ] {
            #expect(throws: JSONParser.Failure.self, "\(text)") { try JSONParser.parse(text) }
        }
    }

    @Test func stringsReadAWordAtATimeStopAtEverySpecialByte() throws {
        // Texts are scanned 8 bytes at a time: a quote, a backslash, a control character or a
        // byte past ASCII at any offset of a word (and near the end of the input) must be seen.
        for length in 0..<40 {
            for position in 0..<max(1, length) {
                var plain = Array(repeating: "a", count: length)
                let text = #"{"k":""# + plain.joined() + #""}"#
                #expect(try JSONParser.parse(text) == .object(JSONObject(["k": .string(plain.joined())])))
                guard length > 0 else { continue }
                plain[position] = "é"
                #expect(try JSONParser.parse("\"" + plain.joined() + "\"") == .string(plain.joined()))
                plain[position] = "\\\""
                let escaped = try JSONParser.parse("\"" + plain.joined() + "\"")
                #expect(escaped.stringValue?.count == length, "\(length) \(position)")
                plain[position] = "\t"
                #expect(throws: JSONParser.Failure.self) { try JSONParser.parse("\"" + plain.joined() + "\"") }
                plain[position] = "a"
                #expect(throws: JSONParser.Failure.self) { try JSONParser.parse("\"" + plain.joined()) }
            }
        }
    }

    @Test func recordsOfAPageShareKeysButChangeAlone() throws {
        let page = try JSONParser.parse(#"[{"id":1,"name":"a"},{"id":2,"name":"b"},{"id":3,"name":"c"}]"#)
        var records = try #require(page.arrayValue).map { try #require($0.objectValue) }
        records[0]["extra"] = .bool(true)
        records[1]["name"] = nil
        records[2]["id"] = .int(30)
        #expect(records[0].keys == ["id", "name", "extra"])
        #expect(records[1].keys == ["id"])
        #expect(records[2].keys == ["id", "name"])
        #expect(records[2]["id"] == .int(30))
        // The page itself is unchanged.
        #expect(JSONWriter.string(page) == #"[{"id":1,"name":"a"},{"id":2,"name":"b"},{"id":3,"name":"c"}]"#)
        #expect(records[1] == JSONObject(["id": .int(2)]))
    }

    @Test func keysThatKeepChangingAndUnusualKeysParseAsWritten() throws {
        // More distinct first keys than a node of the key tree follows, escaped and non-ASCII
        // keys, and a repeated key on a path other objects share.
        var objects = (0..<100).map { #"{"k\#($0)":\#($0),"same":true}"# }
        objects += [#"{"a\"b":1,"é":2,"same":3}"#, #"{"id":1,"id":2}"#, #"{"id":1}"#, "{}"]
        let text = "[" + objects.joined(separator: ",") + "]"
        let parsed = try JSONParser.parse(text)
        let items = try #require(parsed.arrayValue)
        #expect(items.count == 104)
        #expect(items[57]["k57"] == .int(57))
        #expect(items[57].objectValue?.keys == ["k57", "same"])
        #expect(items[100].objectValue?.keys == ["a\"b", "é", "same"])
        #expect(items[101].objectValue?.keys == ["id"])
        #expect(items[101]["id"] == .int(2))
        #expect(items[102]["id"] == .int(1))
        #expect(JSONWriter.string(items[100]) == #"{"a\"b":1,"é":2,"same":3}"#)
        #expect(try JSONParser.parse(JSONWriter.string(parsed)) == parsed)
    }

    @Test func wideRecordsLookUpKeysIgnoringCase() throws {
        let fields = (0..<40).map { #""field\#($0)":\#($0)"# }.joined(separator: ",")
        let page = try JSONParser.parse("[{\(fields)},{\(fields)}]")
        let second = try #require(page.arrayValue?[1].objectValue)
        #expect(second["field39"] == .int(39))
        #expect(second[ignoringCase: "FIELD12"] == .int(12))
        #expect(second[ignoringCase: "field99"] == nil)
        #expect(JSON.object(second).value(ignoringCaseAt: JSONPath("Field3")) == .int(3))
        let record = JSON.object(JSONObject(["board": .object(JSONObject(["name": .string("Help")]))]))
        #expect(record.value(ignoringCaseAt: JSONPath("BOARD/Name")) == .string("Help"))
    }

    @Test func sharedKeysBuildProjections() throws {
        let labels = try #require(JSONObject.SharedKeys(["id", "summary \"quoted\""]))
        let row = JSONObject(keys: labels, values: [.int(5), .string("Disk")])
        #expect(JSONWriter.string(.object(row)) == #"{"id":5,"summary \"quoted\"":"Disk"}"#)
        #expect(row == JSONObject(["id": .int(5), "summary \"quoted\"": .string("Disk")]))
        #expect(JSONObject.SharedKeys(["a", "a"]) == nil)
    }

    @Test func integersAreReadAndWrittenExactlyAtTheirEdges() throws {
        for number in [
            0, 7, -7, 999_999_999_999_999_999, -999_999_999_999_999_999, 1_000_000_000_000_000_000, .max, .min + 1,
        ] {
            #expect(try JSONParser.parse(String(number)) == .int(number), "\(number)")
            #expect(JSONWriter.string(.int(number)) == String(number))
        }
        #expect(JSONWriter.string(.int(.min)) == String(Int.min))
        #expect(JSONWriter.string(.double(3)) == "3")
        #expect(JSONWriter.string(.double(-2.5)) == "-2.5")
    }
}

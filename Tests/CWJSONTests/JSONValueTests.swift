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
}

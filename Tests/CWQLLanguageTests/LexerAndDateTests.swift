import CWQLLanguage
import Testing

@Suite("Lexer and UTC dates")
struct LexerAndDateTests {
    private func kinds(_ text: String) -> [TokenKind] {
        Lexer.tokenize(SourceFile(name: "t", text: text)).map(\.kind)
    }

    @Test func tokensOfEveryKind() {
        #expect(
            kinds("tickets where a.b != $x | take -3 `_info/x` 0.5h -7d 2026-01-31 'q' ~ !~ <= >= { } : ;") == [
                .identifier, .identifier, .identifier, .dot, .identifier, .notEqual, .variable, .pipe, .identifier,
                .number, .rawPath, .duration, .duration, .date, .string, .tilde, .notTilde, .lessOrEqual,
                .greaterOrEqual, .leftBrace, .rightBrace, .colon, .semicolon, .end,
            ]
        )
    }

    @Test func commentsAndLineContinuations() {
        #expect(kinds("a # comment | b\nc \\\n d") == [.identifier, .newline, .identifier, .identifier, .end])
    }

    @Test func stringEscapesAreDecoded() {
        let tokens = Lexer.tokenize(SourceFile(name: "t", text: #""a\"b\\c\n\t" 'it\'s'"#))
        #expect(tokens[0].value == "a\"b\\c\n\t")
        #expect(tokens[1].value == "it's")
    }

    @Test(arguments: [
        ("1970-01-01", Int64(0)), ("2026-01-31T09:30:00Z", Int64(1_769_851_800)),
        ("2000-02-29T23:59:59Z", Int64(951_868_799)), ("1969-12-31T23:59:59Z", Int64(-1)),
        ("2026-01-31T09:30:00-05:00", Int64(1_769_869_800)),
    ])
    func datesParseToEpochSeconds(text: String, seconds: Int64) throws {
        let literal = try #require(DateLiteral(parsing: text))
        #expect(literal.date.secondsSinceEpoch == seconds)
    }

    @Test(arguments: ["2026-13-01", "2026-02-29", "2026-01-32", "2026-01-31T24:00", "2026-01-31T10:00:00X", "2026-1-1"])
    func invalidDatesAreRejected(text: String) {
        #expect(DateLiteral(parsing: text) == nil)
    }

    @Test func calendarRoundTripsEveryDayForFourHundredYears() {
        var date = UTCDate(year: 1900, month: 1, day: 1)
        for _ in 0..<146_097 {
            let parts = date.components
            #expect(UTCDate(year: parts.year, month: parts.month, day: parts.day) == date)
            date = date.adding(seconds: 86_400)
        }
    }

    @Test func startOfWeekIsMonday() {
        let sunday = UTCDate(year: 2026, month: 11, day: 22, hour: 15)
        #expect(sunday.startOfWeek.iso8601 == "2026-11-16T00:00:00Z")
        let monday = UTCDate(year: 2026, month: 11, day: 16, hour: 0)
        #expect(monday.startOfWeek == monday)
        #expect(sunday.startOfMonth.iso8601 == "2026-11-01T00:00:00Z")
    }

    @Test func suggestionsFindNearMisses() {
        #expect(Suggestions.closest(to: "bord", among: ["board", "status"]) == "board")
        #expect(Suggestions.closest(to: "stauts", among: ["board", "status"]) == "status")
        #expect(Suggestions.closest(to: "xyz", among: ["board", "status"]) == nil)
    }
}

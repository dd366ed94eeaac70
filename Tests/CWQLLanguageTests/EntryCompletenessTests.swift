import CWQLLanguage
import Testing

@Suite("When an entry waits for more lines")
struct EntryCompletenessTests {
    @Test(arguments: [
        "tickets |", "tickets where id = 1 and", "tickets where (id = 1", "print \"two", "def f() {", "select id,",
        "tickets where id = 1 or", "tickets \\",
    ])
    func continues(_ text: String) {
        #expect(EntryCompleteness.needsMoreInput(text))
    }

    @Test(arguments: [
        "tickets | take", "tickets where", "tickets | count", "print \"two\nlines\"", "def f() {\n print 1\n}", "",
        "# a comment |",
        "tickets where summary = \"a | b\"",
    ])
    func isComplete(_ text: String) {
        #expect(!EntryCompleteness.needsMoreInput(text))
    }
}

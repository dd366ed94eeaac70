import Testing

@testable import CWJSON

/// The tape's entries say what they hold: every kind reads back as itself (``Tape/kind(_:)``
/// reads a kind's byte as it is, which holds only while the kinds' raw values are their order).
@Suite("The parsed document's tape")
struct TapeTests {
    @Test func everyKindReadsBackAsItself() {
        for kind in Tape.Kind.allCases {
            #expect(Tape.kind(Tape.scalar(kind)) == kind)
            #expect(Tape.kind(Tape.range(kind, start: 12, length: 3)) == kind)
            #expect(Tape.kind(Tape.container(kind, count: 2, end: 40)) == kind)
        }
        #expect(Tape.kind(Tape.integer(-5)) == .integer)
        #expect(Tape.integerValue(Tape.integer(-5)) == -5)
        // The four bits no kind has read as null, as before.
        #expect(Tape.kind(UInt64(0xF) << 60) == .null)
    }

    @Test func stepsOverContainersAndOneEntryOtherwise() {
        let tape: [UInt64] = [
            Tape.container(.object, count: 1, end: 4), Tape.range(.plainText, start: 0, length: 1),
            Tape.container(.array, count: 1, end: 4), Tape.integer(1), Tape.scalar(.true),
        ]
        tape.withUnsafeBufferPointer { tape in
            #expect(Tape.next(after: 0, in: tape) == 4)
            #expect(Tape.next(after: 1, in: tape) == 2)
            #expect(Tape.next(after: 2, in: tape) == 4)
            #expect(Tape.next(after: 3, in: tape) == 4)
        }
    }
}

import ConnectWiseSpec
import Foundation
import Testing

@testable import CWQLLanguage

/// The catalog table a build embeds is the naming rule's result for the embedded facts: built
/// again here and compared, whole and as the generated file's text. With
/// `CWQL_WRITE_CATALOG_TABLE` set, the test writes the file instead
/// (`scripts/generate_catalog_table.sh`).
@Suite("The embedded catalog table is what the naming rule builds")
struct CatalogTableTests {
    static let generatedFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Sources/CWQLLanguage/Catalog/Generated/CatalogTable+Generated.swift")

    @Test func theEmbeddedTableIsTheRulesTable() throws {
        let built = SpecCatalogBuilder(facts: .published).table()
        if ProcessInfo.processInfo.environment["CWQL_WRITE_CATALOG_TABLE"] != nil {
            try built.swiftSource.write(to: Self.generatedFile, atomically: true, encoding: .utf8)
            return
        }
        #expect(built == CatalogTable.generated, "run scripts/generate_catalog_table.sh")
        #expect(try String(contentsOf: Self.generatedFile, encoding: .utf8) == built.swiftSource)
    }

    @Test func namesAndReferencesAreFoundByBinarySearch() throws {
        let table = CatalogTable.generated
        for name in table.names {
            #expect(table.row(named: name.key) == name.row)
            #expect(table.row(named: name.key.uppercased()) == name.row)
        }
        for reference in table.references {
            #expect(table.target(ofReference: reference.model) == reference.entity)
        }
        #expect(table.row(named: "no_such_entity") == nil)
        #expect(table.row(named: "") == nil)
        #expect(table.target(ofReference: "NoSuchReference") == nil)
        #expect(table.target(ofReference: "CompanyReference") == "companies")
        let tickets = try #require(table.row(named: "Ticket"))
        #expect(table.rows[tickets].path == "/service/tickets")
    }
}

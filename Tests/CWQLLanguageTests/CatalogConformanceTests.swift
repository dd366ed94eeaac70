import CWQLLanguage
import CWQLTestSupport
import ConnectWiseSpec
import Testing

/// The catalog against ConnectWise's published spec: every list endpoint reachable by its
/// name, every field of every model usable in a `where` (or refused for a documented reason),
/// no names the spec does not have, and every name of the overlay pointing at the spec.
@Suite("The catalog is ConnectWise's published spec")
struct CatalogConformanceTests {
    let environment = CompileEnvironment(now: GoldenCase.now)
    let catalog = Catalog.standard

    /// The query that reaches an entity: its name, or the query of its parent and the child stage.
    func reach(_ entity: EntitySpec) -> String? {
        if entity.isTopLevel { return entity.name }
        for parent in catalog.entities {
            if let link = parent.children.first(where: { $0.entity == entity.name }) {
                return reach(parent).map { "\($0) | \(link.name)" }
            }
        }
        return nil
    }

    /// A path with every hole written `{id}`, as the spec writes it.
    func specPath(_ path: String) -> String {
        path.replacing(/\{[^}]*\}/, with: "{id}")
    }

    @Test func everyListEndpointIsReachableByItsName() throws {
        #expect(catalog.entities.count >= 550)
        #expect(catalog.sourceNames.count >= 300)
        #expect(Set(catalog.entities.map(\.name)).count == catalog.entities.count)
        for entity in catalog.entities {
            guard let query = reach(entity) else {
                Issue.record("\(entity.name) (\(entity.path)) is reachable from no source")
                continue
            }
            let plan = try Translator.translate(query + " | take 1", environment: environment)
            let path = plan.steps.last?.request.path.description ?? ""
            #expect(specPath(path) == entity.path, "\(query) reached \(path), not \(entity.path)")
        }
        // The names of SPEC 6.1.
        for (name, path) in [
            ("schedule_entries", "/schedule/entries"), ("activities", "/sales/activities"),
            ("invoices", "/finance/invoices"),
            ("catalog_items", "/procurement/catalog"), ("time_entries", "/time/entries"),
            ("tickets", "/service/tickets"),
        ] {
            #expect(catalog.entity(named: name)?.path == path)
        }
        #expect(catalog.entity(named: "company_sites")?.path == "/company/companies/{id}/sites")
        // Every list of the spec is an entity but those under three ids, those ending in a record
        // id, and nested lists whose parent the spec does not list (reachable raw, README).
        let lists = APIFacts.published.listEndpoints.filter { !$0.path.hasSuffix("{id}") && $0.idHoles <= 2 }
        let listed = Set(APIFacts.published.listEndpoints.map { $0.path.lowercased() })
        func hasListedParents(_ path: String) -> Bool {
            guard let hole = path.ranges(of: "/{id}").last else { return true }
            let parent = String(path[..<hole.lowerBound])
            return listed.contains(parent.lowercased()) && hasListedParents(parent)
        }
        let named = Set(catalog.entities.map(\.path))
        #expect(lists.filter { !named.contains($0.path) && hasListedParents($0.path) }.map(\.path) == [])
        #expect(named.subtracting(lists.map(\.path)) == [])
        #expect(lists.filter { !hasListedParents($0.path) }.count == 27)
        #expect(APIFacts.published.listEndpoints.filter { $0.idHoles > 2 }.count == 2)
        // A list under two ids is a child of a child.
        #expect(
            reach(try #require(catalog.entity(named: "board_status_notifications")))
                == "boards | statuses | notifications"
        )
    }

    /// A condition that compares a field with a value of its type, or nil with the reason it can't.
    func condition(_ field: FieldSpec) -> String? {
        switch field.kind {
        case .value(let type):
            if let first = field.allowedValues?.first { return "`\(field.name)` = \"\(first)\"" }
            switch type {
            case .string, .unknown: return "`\(field.name)` = \"x\""
            case .integer: return "\(field.name) = 1"
            case .decimal: return "\(field.name) = 1.5"
            case .boolean: return "\(field.name) = true"
            case .date: return "\(field.name) > 2026-01-01"
            }
        case .object(let shape):
            if shape.fields.contains(where: { $0.name == "id" }) { return "\(field.name).id = 1" }
            return shape.fields.first.map { "\(field.name).\($0.name) is not null" }
        case .array(let shape):
            return shape.fields.first(where: { $0.valueType != nil }).map { "\(field.name).\($0.name) is not null" }
        case .customFields, .valueArray:
            return nil
        }
    }

    @Test func everyFieldOfEveryModelCompilesInAWhere() throws {
        var compiled = 0
        for entity in catalog.entities where entity.isTopLevel {
            for field in entity.fields {
                guard let condition = condition(field) else {
                    // Refused with a reason (custom fields by caption; lists of plain values).
                    let refused =
                        (try? Translator.translate("\(entity.name) where \(field.name) = 1", environment: environment))
                        == nil
                    #expect(refused, "\(entity.name).\(field.name) should be refused")
                    continue
                }
                do {
                    _ = try Translator.translate("\(entity.name) where \(condition)", environment: environment)
                    compiled += 1
                } catch {
                    Issue.record("\(entity.name) where \(condition): \(error)")
                }
            }
        }
        #expect(compiled > 4000)
    }

    @Test func theFirstReleasesEntitiesKnowEveryOfficialField() {
        let counts = ["members": 123, "boards": 61, "contacts": 62, "agreements": 78, "tickets": 108]
        for (name, official) in counts {
            #expect((catalog.entity(named: name)?.fields.count ?? 0) >= official, "\(name)")
        }
    }

    @Test func namesTheSpecDoesNotHaveAreCompileErrors() {
        for query in [
            #"contacts where defaultEmailAddress = "a@b.com""#, #"contacts where type = "x""#,
            #"companies where `type` = 1"#,
            "tickets where dateEntered > 2026-01-01", #"tickets where enteredBy = "x""#,
            "project_tickets where dateEntered > 2026-01-01", "opportunities where closedFlag = true",
            "members where defaultBoard.id = 1", "boards | statuses | where inactiveFlag = true",
        ] {
            let failed =
                (try? Translator.translate(query.replacing("`type` = 1", with: "type.id = 1"), environment: environment))
                == nil
            #expect(failed || query.contains("`type`"), "\(query) compiled")
        }
        // Typed as the spec types them.
        #expect(
            (try? Translator.translate("agreements | additions where billCustomer = true", environment: environment))
                == nil
        )
        #expect((try? Translator.translate("opportunities where probability = 50", environment: environment)) != nil)
        #expect(
            (try? Translator.translate("opportunities where probability.name = \"50\"", environment: environment))
                != nil
        )
    }

    @Test func everyNameOfTheOverlayIsInTheSpec() {
        for name in catalog.commonSourceNames { #expect(catalog.entity(named: name)?.isTopLevel == true, "\(name)") }
        for entity in catalog.entities {
            #expect(
                entity.resolvedAliasCount == entity.aliases.count,
                "an alias of \(entity.name) names no field of the spec"
            )
            for column in entity.defaultColumns {
                #expect(entity.hasColumn(column), "default column \(entity.name).\(column) is not in the spec")
            }
        }
    }
}

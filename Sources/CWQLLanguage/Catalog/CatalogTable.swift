/// The catalog's names as the naming rule gives them (``SpecCatalogBuilder``,
/// ``EndpointNaming``) for the facts this build embeds: every entity's names, path, model and
/// methods, the entity it hangs under, the names it is looked up by, and the entity each
/// reference model points at.
///
/// Naming a thousand paths takes milliseconds and every `cwql` command starts by it, so the
/// result is generated into `Generated/CatalogTable+Generated.swift` and start-up reads that;
/// `CatalogTableTests` builds the table again from the facts and compares, and
/// `scripts/generate_catalog_table.sh` writes it again after the facts or the rule change.
struct CatalogTable: Sendable, Equatable {
    /// One entity.
    struct Row: Sendable, Equatable {
        /// The plural source name (`tickets`, `ticket_notes`).
        let name: String
        /// What one record is called (`ticket 4711`).
        let singular: String
        /// The collection path as the spec writes it (`/service/tickets/{id}/notes`).
        let path: String
        /// The spec's model of the records (`Ticket`).
        let model: String
        /// The spec's methods of the collection path and of one record's, spelled as the facts
        /// spell them (`GET,POST`).
        let collectionMethods: String
        let recordMethods: String
        /// The row of the entity it hangs under; nil for a source (a top-level list).
        let parent: Int?
        /// The stage that reaches it from that parent (`notes`); empty for a source.
        let stage: String
    }

    /// A name an entity is looked up by (its name, its singular, or the rule's name of an
    /// entity the overlay renames), folded to lower case.
    struct Name: Sendable, Equatable {
        let key: String
        let row: Int
    }

    /// The entity a reference model points at (`BoardReference` → `boards`).
    struct Reference: Sendable, Equatable {
        let model: String
        let entity: String
    }

    /// Sources first, in path order, then the entities reachable only from a parent.
    let rows: [Row]
    /// Sorted by key.
    let names: [Name]
    /// Sorted by model.
    let references: [Reference]

    /// The row of the entity looked up by `name`, which is folded to lower case.
    func row(named name: String) -> Int? {
        let key = name.lowercased()
        let index = names.partitioningIndex { $0.key >= key }
        return index < names.count && names[index].key == key ? names[index].row : nil
    }

    /// The entity a reference model points at.
    func target(ofReference model: String) -> String? {
        let index = references.partitioningIndex { $0.model >= model }
        return index < references.count && references[index].model == model ? references[index].entity : nil
    }
}

extension RandomAccessCollection {
    /// The first index whose element is in the second part of a collection partitioned by
    /// `isInSecondPart` (false for every element before it, true from it on): a binary search.
    fileprivate func partitioningIndex(where isInSecondPart: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if isInSecondPart(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}

/// The columns a table shows when no `select` chose them: `id`, the first two naming fields
/// (`identifier`, `name`, `summary`, …), then the next plain fields, six in all. One rule for
/// the catalog's entities and for records cwql knows no fields of (a backquoted endpoint's).
public enum DefaultColumns {
    /// Fields that name a record, in the order they are preferred.
    static let naming = ["identifier", "name", "summary", "description", "firstName", "lastName", "title", "subject"]
    static let count = 6

    /// - Parameter fields: each field's name and the column that shows it, or nil when it
    ///   can't be a column (a list, an object without a name).
    public static func choose(from fields: [(name: String, column: String?)]) -> [String] {
        func column(named name: String) -> String? { fields.first { $0.name == name }?.column }
        var columns = column(named: "id").map { [$0] } ?? []
        columns += naming.compactMap(column(named:)).prefix(2)
        for field in fields where columns.count < count && field.name != "_info" {
            guard let found = field.column, !columns.contains(found) else { continue }
            columns.append(found)
        }
        return columns
    }
}

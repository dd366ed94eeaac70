/// The standard library: cwql modules shipped inside the binary, so `import "alerts"` works
/// from any folder without the source tree. The texts live in `stdlib/*.cwql`;
/// `scripts/embed-stdlib.sh` copies them into `EmbeddedStdlib.swift`, and a test fails when
/// the two differ.
public enum StandardLibrary {
    /// A module's source text by name (`"alerts"`).
    public static func module(named name: String) -> String? {
        EmbeddedStdlib.modules[name.hasSuffix(".cwql") ? String(name.dropLast(5)) : name]
    }

    /// Every module name, sorted.
    public static var moduleNames: [String] { EmbeddedStdlib.modules.keys.sorted() }
}

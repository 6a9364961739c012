// Namespace of the trimming passes. Each pass is a pure function `(middle, context) -> middle` in its
// own file, with golden fixtures under Tests/CompletionTests/Fixtures/ named after the case it fixes;
// docs/trimming.md has one paragraph per pass. `Trimmer` runs them in order.

public enum Trim {}

/// Why a tokenizer could not be built from a model file.
public struct TokenizerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The model file (or other source) the vocabulary came from.
    public let source: String
    public let message: String

    public init(source: String, _ message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): tokenizer: \(message)" }
}

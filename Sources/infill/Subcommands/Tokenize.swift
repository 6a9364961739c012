import ArgumentParser
import Foundation
import GGUF
import LlamaEngine
import Tokenizer

/// `infill tokenize`: the token ids and pieces of a text, for bug reports and parity checks.
struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the tokens of a text with a model's tokenizer: one `id<TAB>\"piece\"` line each.",
        discussion: """
            Pieces are quoted, with \\n, \\t, \\r, \\", \\\\ and \\xNN escapes, so whitespace shows. A BOS \
            token comes first where the model adds one to prompts. The token count goes to stderr. \
            `echo` adds a newline to what it pipes; use `printf` to leave it out.
            """
    )

    @Option(help: "A GGUF path or a pinned model name (qwen2.5-coder-1.5b, qwen2.5-coder-0.5b, smollm2-135m).")
    var model: String = ModelLocator.defaultName

    @Flag(help: "Parse special tokens written in the text (e.g. <|fim_prefix|>) instead of treating them as text.")
    var special = false

    @Argument(help: "The text, or - to read it from stdin.")
    var text: String

    func run() throws {
        let input: String
        if text == "-" {
            input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            input = text
        }
        let path: String
        do { path = try ModelLocator.resolve(model) } catch { throw ValidationError("\(error)") }
        // Only the vocabulary is read: no weights are loaded, so this takes well under a second.
        let tokenizer: Tokenizer
        do { tokenizer = try Tokenizer(gguf: try GGUFFile(path: path)) } catch { throw ValidationError("\(error)") }
        let tokens = tokenizer.encode(input, addBOS: tokenizer.addsBOS, parseSpecial: special)
        FileHandle.standardOutput.write(Data(tokenizer.listing(tokens).utf8))
        FileHandle.standardError.write(Data("\(tokens.count) tokens\n".utf8))
    }
}

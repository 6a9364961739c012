// Completion: everything between the document and the engine, and back.
//
// Entry points for the language server:
// - `FIMTokens.detect(in:model:)` once per model: the family's FIM format bound to its token ids
//   (`FIMFormat.table`, one entry per family); `TokenizerVocabulary` adapts the real tokenizer.
// - `PromptBuilder` + `CompletionPlan` per request: token ids for the engine (control tokens by id,
//   user text always plain), the trimming context and the between-token stop check.
// - `Trimmer.trim` (via `CompletionPlan.edit`) turns the generated middle into a `CompletionEdit`.
// - `TypingThrough.remaining` for answering from the last completion while the user types it.
// ("Generate docstring" placement lives in the language server, Features/Docstrings.swift.)
// docs/trimming.md describes every trimming pass and the bug it fixes.

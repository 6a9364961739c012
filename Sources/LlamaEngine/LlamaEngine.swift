// LlamaEngine: Infill's in-process CPU Llama engine; see docs/architecture.md.
//
// Use (one generation at a time per session; the language server serialises requests):
//
//     let model = try LlamaModel(path: "qwen2.5-coder-1.5b")   // pinned name or GGUF path
//     let session = try Session(model: model)                    // KV cache, thread pool, buffers
//     let t = model.tokenizer
//     let prompt = [t.fimPrefix!] + t.encode(prefix) + [t.fimSuffix!] + t.encode(suffix) + [t.fimMiddle!]
//     let result = try session.generate(prompt: prompt, maxTokens: 64, stop: t.endOfGenerationTokens) {
//         id, text in cancelled ? .stop : .continue              // called per token; text is UTF-8 safe
//     }
//     // result.tokens, result.finishReason, result.stats (prompt/reused tokens, prefill/decode timings)
//
// The next `generate` on the same session reuses the cached keys/values of the longest common
// token prefix with the previous prompt (+ generated tokens), so typing at the end of a prompt
// only runs the new tokens.
//
// Files: Config (hyperparameters from GGUF metadata), Weights (views into the mapped file),
// RunState (activations + KV cache, allocated once), Transformer (the forward pass), Linear (matrix
// products on the thread pool: Quant/ kernels or OpenBLAS), ThreadPool, Sampler, Session
// (generation, prefix reuse), LlamaModel (loading), OpenBLAS (run-time loading, core type).

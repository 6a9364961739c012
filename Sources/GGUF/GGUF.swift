// GGUF module; see docs/architecture.md.

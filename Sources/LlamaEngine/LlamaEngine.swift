// LlamaEngine module; see docs/architecture.md.

// Completion module; see docs/architecture.md.

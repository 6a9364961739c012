// JSONRPC module; see docs/architecture.md.

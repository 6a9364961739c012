// LSPProtocol module; see docs/architecture.md.

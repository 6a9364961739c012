// LanguageServer module; see docs/architecture.md.

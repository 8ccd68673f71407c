"""The REST shim under /api/analytics: thin routes that parse, call a use case and shape JSON."""

"""template: the schema of a report: its spec, field types, placeholders, loader, bundled templates."""

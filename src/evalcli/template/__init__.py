"""template: the schema of a report: spec, field types, placeholders, loader, bundled ones."""

"""outputs: one checked report to DOCX, PDF and Markdown, written atomically."""

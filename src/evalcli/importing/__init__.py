"""import: an existing summary (DOCX or Markdown) back into a report folder."""

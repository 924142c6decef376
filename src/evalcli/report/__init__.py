"""report: one report folder as loaded (the instance of a template): model, Markdown, load."""

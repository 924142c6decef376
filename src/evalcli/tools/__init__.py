"""External tools evalcli runs: pandoc (and, in outputs, Typst and LibreOffice)."""

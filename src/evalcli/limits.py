"""Resource limits on report content, each with the figure it was measured against.

A report folder is untrusted input (see docs/security.md). Each limit is far
above what a real summary needs and far below what would exhaust a CI
runner; passing one is an error finding or a clear error, never a crash.
The largest real summary we have (content/alianzas-peru) needs: 2 KB of
evaluation.yaml, 3 levels of YAML nesting, a 25 KB section, a 2,300-character
line (one paragraph).
"""

from __future__ import annotations

KIB = 1024
MIB = 1024 * KIB

MAX_YAML_BYTES = 256 * KIB  # evaluation.yaml
MAX_YAML_DEPTH = 16  # nested lists and mappings in evaluation.yaml
MAX_SECTION_BYTES = 1 * MIB  # each section file
MAX_LINE_CHARS = 50_000  # each line of a section file (a paragraph is one line)
# each paragraph (lines up to a blank line): pandoc's Typst writer and Typst's line
# breaking slow down with it; a 1 MiB paragraph took 13 s on a quiet machine
MAX_PARAGRAPH_CHARS = 50_000
# footnotes in a section file, counted as its "^[" and "[^" marks (a reference and its
# note count two): 10,000 notes took pandoc and Typst 13 s; a real summary has none to 30
MAX_FOOTNOTES = 1_000
MAX_IMAGE_BYTES = 20 * MIB  # each image file
# the image files shown in one section, each counted every time it is shown: pandoc
# decodes an image again for each place (300 uses of a 2 MB image: minutes)
MAX_IMAGE_SHOWN_BYTES = 32 * MIB
# Typst decodes every raster image in full (JPEG too). Measured with typst 0.15.2:
# 40 MP takes 150-600 MiB and 0.3-4 s; 64 MP about 1 GB and 6 s.
MAX_IMAGE_PIXELS = 40_000_000  # width x height, read from the image's header
MAX_IMAGE_SIDE = 20_000  # pixels, either side
# a PNG's colour profile (iCCP) or compressed text (zTXt, iTXt), inflated: Typst inflates
# the profile in full (a 1 MB PNG whose iCCP inflated took 2.2 GB); real profiles are
# 0.5-600 KB
MAX_PNG_CHUNK_INFLATED = 4 * MIB
MAX_IMPORT_BYTES = 50 * MIB  # a DOCX or Markdown file given to import
# the Markdown text import reads (the file, or pandoc's Markdown of the DOCX): the most
# a report of eight sections at MAX_SECTION_BYTES can hold; lines as MAX_LINE_CHARS
MAX_IMPORT_TEXT = 8 * MIB
MAX_DOCX_UNCOMPRESSED = 200 * MIB  # every member of a DOCX given to import, inflated
# pandoc holds about 130 MiB per MiB of document.xml (6.8 MB: 10 s, 951 MiB); a real
# summary's document.xml is 35 KB
MAX_DOCX_XML = 10 * MIB  # the .xml and .rels members, which pandoc parses
MAX_DOCX_RATIO = 100  # inflated size / compressed size, for members over 1 MiB
MAX_DOCX_MEMBERS = 5_000

PANDOC_MEMORY = "1000M"  # pandoc's heap (+RTS -M), see its manual's section on security
PANDOC_TIMEOUT = 120  # seconds, any one pandoc run
LIBREOFFICE_TIMEOUT = 300  # seconds, one conversion
TYPST_TIMEOUT = 30  # seconds, one Typst compile
TYPST_MEMORY = 1024 * MIB  # address space of the Typst child (RLIMIT_AS)
LIBREOFFICE_MEMORY = 2048 * MIB  # address space of LibreOffice (a summary needs ~700 MiB)
# PDF input (import): pypdf in a child process. A real full report is 60-150 pages and
# its text 200-600 KB; measured: a 6-page LibreOffice PDF takes 1.6 s and 28 MB in layout
# mode (about 0.25 s a page)
MAX_PDF_PAGES = 400
MAX_PDF_TEXT = 5 * MIB  # characters of text, all pages
PDF_MEMORY = 1024 * MIB  # the child's address space
PDF_TIMEOUT = 120  # seconds, the whole extraction

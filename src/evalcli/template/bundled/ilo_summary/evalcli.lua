-- Pandoc filter applied to every output of the ILO summary.
--
-- Each walk over the document costs pandoc a pass (marshalling every element
-- to Lua and back), so everything below is done in one walk per document
-- (see Pandoc at the end), and the alternative-text walk of the PDF only for
-- a document with images. A DOCX run that also writes the Typst source (see
-- typst_aside) walks once for what both share, then once for the PDF's own
-- steps, and for the DOCX's only with images.

-- A link with no target ("[text](#)", as in real published summaries) keeps
-- its text in the PDF: pandoc's Typst writer would otherwise emit an invalid
-- #link(). The DOCX keeps the link as written.
local function Link(el)
  if el.target == "" or el.target == "#" then
    return el.content
  end
end

-- Content never injects raw output code: the reader has raw_attribute off,
-- and anything raw that remains is dropped rather than executed.
local function RawBlock(el)
  return {}
end

local function RawInline(el)
  return {}
end

-- Typographic quotes in both outputs, as the prose's language writes them
-- (the reader keeps straight quotes as typed, and so does the Markdown output).
local QUOTES = {
  en = { "“", "”", "‘", "’" },
  es = { "“", "”", "‘", "’" },
  fr = { "«\u{202F}", "\u{202F}»", "‘", "’" }, -- with narrow no-break spaces inside
}
local quotes = QUOTES.en

local OPENERS = "[%s%(%[{/–—-]"

local function curl(text)
  if not text:find("[\"']") then
    return nil
  end
  local out = {}
  local chars = {}
  for _, code in utf8.codes(text) do
    table.insert(chars, utf8.char(code))
  end
  for i, ch in ipairs(chars) do
    local before = chars[i - 1]
    local opening = (before == nil and i < #chars) or (before ~= nil and before:match(OPENERS))
    if ch == '"' then
      table.insert(out, opening and quotes[1] or quotes[2])
    elseif ch == "'" then
      -- an apostrophe (ILO's, l'OIT) is a closing single quote
      table.insert(out, opening and quotes[3] or quotes[4])
    else
      table.insert(out, ch)
    end
  end
  return table.concat(out)
end

local function Str(el)
  local text = curl(el.text)
  if text then
    return pandoc.Str(text)
  end
end

-- Typst functions of summary.typ are named after the Word styles:
-- "Follow-up" -> #follow-up[...], "Placeholder" -> #placeholder[...].
-- Only the template's own styles become calls: a report's text may carry a
-- fenced div or span with any custom-style, and must not choose which Typst
-- function runs (the DOCX keeps the style name, which Word only looks up).
local TYPST_STYLES = {
  ["Disclaimer"] = true,
  ["Follow-up"] = true,
  ["Placeholder"] = true,
  ["Annex Header"] = true,
}

local function typst_name(style)
  return (style:lower():gsub("[^a-z]+", "-"))
end

local function template_style(el)
  local style = el.attributes["custom-style"]
  return (style and TYPST_STYLES[style]) and style or nil
end

-- Parts in another language than the document's (the template's words under
-- --lang) say so: DOCX runs carry it natively, Typst needs #text(lang: ...).
local function typst_lang(lang)
  local language, region = lang:match("^(%a%a%a?)[-_]?(%a*)$")
  if language == nil or (region ~= "" and #region ~= 2) then
    return nil -- Typst takes two-letter regions only; check reports any other (a draft drops it)
  end
  if region ~= "" then
    return string.format('lang: "%s", region: "%s"', language:lower(), region:upper())
  end
  -- no region of the document's: French labels in a Peruvian report are "fr", not "fr-PE"
  return string.format('lang: "%s", region: none', language:lower())
end

-- The template style and the language a span or div asks Typst for, if any.
-- the output the walks below make: FORMAT, or "typst" while the DOCX run makes the
-- Typst source on the side (see Pandoc)
local target = FORMAT

local function typst_wrapping(el)
  if target ~= "typst" then
    return nil, nil
  end
  local lang = el.attributes["lang"] and typst_lang(el.attributes["lang"])
  return template_style(el), lang
end

local function Span(el)
  local style, lang = typst_wrapping(el)
  if style == nil and lang == nil then
    return nil
  end
  local open = style and ("#" .. typst_name(style) .. "[") or ("#text(" .. lang .. ")[")
  if style and lang then
    open = open .. "#text(" .. lang .. ")["
  end
  local inlines = { pandoc.RawInline("typst", open) }
  for _, inline in ipairs(el.content) do
    table.insert(inlines, inline)
  end
  table.insert(inlines, pandoc.RawInline("typst", (style and lang) and "]]" or "]"))
  return inlines
end

local function Div(el)
  local style, lang = typst_wrapping(el)
  if style == nil and lang == nil then
    return nil
  end
  local open = style and ("#" .. typst_name(style) .. "[") or "#["
  if lang then
    open = open .. "#set text(" .. lang .. ")"
  end
  local blocks = { pandoc.RawBlock("typst", open) }
  for _, block in ipairs(el.content) do
    table.insert(blocks, block)
  end
  table.insert(blocks, pandoc.RawBlock("typst", "]"))
  return blocks
end

-- A recommendation's last paragraph stays on the page of its follow-up facts
-- (the DOCX sets "keep with next" on it, in python-docx). Each div of the
-- list is then wrapped (Div above): after the look at the div that follows a
-- paragraph, as when the divs were wrapped in a walk of their own. The lists
-- inside a div come first (the walk goes from the inside out), as they did.
local function Blocks(blocks)
  local out = {}
  local changed = false
  for i, block in ipairs(blocks) do
    local next_block = blocks[i + 1]
    local before_follow_up = block.t == "Para"
      and next_block ~= nil
      and next_block.t == "Div"
      and next_block.attributes["custom-style"] == "Follow-up"
    local wrapped = block.t == "Div" and Div(block) or nil
    if before_follow_up then
      table.insert(out, pandoc.RawBlock("typst", "#block(sticky: true)["))
      table.insert(out, block)
      table.insert(out, pandoc.RawBlock("typst", "]"))
      changed = true
    elseif wrapped then
      for _, part in ipairs(wrapped) do
        table.insert(out, part)
      end
      changed = true
    else
      table.insert(out, block)
    end
  end
  return changed and out or nil
end

-- Alternative text. pandoc 3.9's Typst writer drops an image's description
-- (tests/test_accessibility.py tells when it stops doing so); a scoped set
-- rule gives the image its alt text, which Typst writes as the figure's /Alt.
-- An image of class "decorative" is a PDF artifact, skipped by screen readers.
-- The description is the content's: it goes into a Typst string literal,
-- where only the backslash and the double quote need escaping.
local function typst_string(text)
  return '"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

local function description(image)
  return pandoc.utils.stringify(image.caption)
end

local function alt_open(image)
  if image.classes:includes("decorative") then
    return "#pdf.artifact["
  end
  local alt = description(image)
  if alt == "" then
    return nil -- no description: evalcli check reports it, and the PDF claims no PDF/UA
  end
  -- the semicolon ends the set rule, so that the image's own "#" follows in markup
  return "#[#set image(alt: " .. typst_string(alt) .. ");"
end

local function figure_image(figure)
  local found = nil
  figure:walk({
    Image = function(image)
      found = found or image
    end,
  })
  return found
end

local ALT_TEXT = {
  traverse = "topdown",
  Figure = function(figure)
    local image = figure_image(figure)
    local open = image and alt_open(image)
    if open == nil then
      return figure, false
    end
    return { pandoc.RawBlock("typst", open), figure, pandoc.RawBlock("typst", "]") }, false
  end,
  Image = function(image)
    local open = alt_open(image)
    if open == nil then
      return nil
    end
    return { pandoc.RawInline("typst", open), image, pandoc.RawInline("typst", "]") }
  end,
}

-- In the DOCX, a decorative image carries a title python-docx looks for, to
-- give it Word's own "Mark as decorative" flag (pandoc cannot write it).
local DOCX_DECORATIVE = {
  Image = function(image)
    if image.classes:includes("decorative") then
      image.caption = {}
      image.title = "evalcli-decorative"
      return image
    end
  end,
}

-- The Typst document's own walk, after the content's raw elements are dropped and its
-- quotes curled; and whether it has images (for the DOCX's own walk).
local function typst_walk(doc)
  local images = false
  doc = doc:walk({
    Link = Link,
    Span = Span,
    Blocks = Blocks,
    Image = function()
      images = true
    end,
  })
  if images then
    doc = doc:walk(ALT_TEXT)
  end
  return doc, images
end

-- Asked by evalcli (for a document whose DOCX and PDF come from the same
-- Markdown: no image, no annex page), the DOCX run also writes the document's
-- Typst source, exactly as a Typst run of its own would, to the pipe named in
-- EVALCLI_TYPST_FD, with the pandoc template of this folder named in
-- EVALCLI_TYPST_TEMPLATE: the Markdown is read once, and pandoc and this
-- filter start once, for both documents. Returns whether the document has images.
local function typst_aside(doc, fd, name)
  target = "typst"
  local typst_doc, images = typst_walk(doc)
  target = FORMAT
  local path = pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE), name })
  local file = assert(io.open(path, "rb"))
  local template = pandoc.template.compile(file:read("a"), path)
  file:close()
  -- a write that fails fails the run: never half a source that evalcli would compile
  local out = assert(io.open("/dev/fd/" .. fd, "wb"))
  assert(out:write(pandoc.write(typst_doc, "typst", { template = template })))
  assert(out:close())
  return images
end

function Pandoc(doc)
  local lang = doc.meta.lang and pandoc.utils.stringify(doc.meta.lang) or "en"
  quotes = QUOTES[lang:sub(1, 2)] or QUOTES.en
  local aside = os.getenv("EVALCLI_TYPST_FD")
  if FORMAT == "docx" and aside then
    -- what both documents share, in one walk; then each document's own
    doc = doc:walk({ RawInline = RawInline, RawBlock = RawBlock, Str = Str })
    if typst_aside(doc, aside, os.getenv("EVALCLI_TYPST_TEMPLATE")) then
      doc = doc:walk(DOCX_DECORATIVE)
    end
    return doc
  end
  -- One walk, in pandoc's fixed order: every inline element (innermost
  -- first), then every block element, then every list of blocks. The raw
  -- elements of the content are dropped as the walk meets them; the raw
  -- Typst that Span and Blocks make here is put in place of what they were
  -- given and never walked again, so it is the template's own, never the
  -- content's.
  local walk = { RawInline = RawInline, RawBlock = RawBlock, Str = Str }
  local images = false
  if FORMAT == "typst" then
    walk.Link, walk.Span, walk.Blocks = Link, Span, Blocks
    walk.Image = function()
      images = true
    end
  elseif FORMAT == "docx" then
    walk.Image = DOCX_DECORATIVE.Image
  end
  doc = doc:walk(walk)
  if images then
    doc = doc:walk(ALT_TEXT)
  end
  return doc
end

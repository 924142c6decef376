-- Pandoc filter applied to every output of the ILO summary.

-- A link with no target ("[text](#)", as in real published summaries) keeps
-- its text in the PDF: pandoc's Typst writer would otherwise emit an invalid
-- #link(). The DOCX keeps the link as written.
function Link(el)
  if FORMAT == "typst" and (el.target == "" or el.target == "#") then
    return el.content
  end
end

-- Content never injects raw output code: the reader has raw_attribute off,
-- and anything raw that remains is dropped rather than executed.
function RawBlock(el)
  return {}
end

function RawInline(el)
  return {}
end

-- Styled blocks (custom-style in DOCX) become calls to the Typst template's
-- functions of the same name: "Follow-up" -> #follow-up[...].
if FORMAT == "typst" then
  function Div(el)
    local style = el.attributes["custom-style"]
    if style == nil then
      return nil
    end
    local name = style:lower():gsub("[^a-z]+", "-")
    local blocks = { pandoc.RawBlock("typst", "#" .. name .. "[") }
    for _, block in ipairs(el.content) do
      table.insert(blocks, block)
    end
    table.insert(blocks, pandoc.RawBlock("typst", "]"))
    return blocks
  end
end

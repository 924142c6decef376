-- Import filter: a table cell that holds more than one paragraph, or a list,
-- becomes one line of text, so that the table stays a pipe table in Markdown
-- (pandoc writes "[TABLE]" for one it cannot). Paragraphs are joined by a
-- pilcrow mark (U+204B) and list items start with "- " or "1. "; the importer
-- splits them back into Markdown paragraphs. Annex pages need it: their
-- fields are prose.
local MARK = "\u{204B}"

local function inlines_of(blocks)
  local out = pandoc.List()
  local function add(inlines, prefix)
    if #out > 0 then
      out:insert(pandoc.Space())
      out:insert(pandoc.Str(MARK))
      out:insert(pandoc.Space())
    end
    if prefix then
      out:insert(pandoc.Str(prefix))
      out:insert(pandoc.Space())
    end
    out:extend(inlines)
  end
  for _, block in ipairs(blocks) do
    if block.t == "Para" or block.t == "Plain" or block.t == "Header" then
      add(block.content)
    elseif block.t == "BulletList" or block.t == "OrderedList" then
      for number, item in ipairs(block.content) do
        local prefix = block.t == "BulletList" and "-" or (tostring(number) .. ".")
        add(pandoc.utils.blocks_to_inlines(item), prefix)
      end
    else
      add(pandoc.utils.blocks_to_inlines({ block }))
    end
  end
  return out
end

local function simple(cell)
  return #cell.contents == 0
    or (#cell.contents == 1 and (cell.contents[1].t == "Plain" or cell.contents[1].t == "Para"))
end

local function flatten(rows)
  for _, row in ipairs(rows) do
    for _, cell in ipairs(row.cells) do
      if not simple(cell) then
        cell.contents = { pandoc.Plain(inlines_of(cell.contents)) }
      end
    end
  end
end

function Table(tbl)
  -- A table's title and description for screen readers (Word's Alt Text,
  -- w:tblCaption and w:tblDescription, as evalcli writes for the quick facts)
  -- are not content: pandoc reads them as a caption, which would become text.
  tbl.caption = pandoc.Caption()
  flatten(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    flatten(body.head)
    flatten(body.body)
  end
  flatten(tbl.foot.rows)
  return tbl
end

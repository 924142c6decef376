-- Pandoc filter for the annex pages (annexes.md.j2): a div of class
-- "annex-table" becomes a two-column table, as in the ILO lesson-learned and
-- good-practice templates. Its "annex-head" div holds the two column
-- headings; each "annex-label" div starts a row, and the blocks after it, up
-- to the next label, are that row's text (any Markdown the author wrote).
-- Runs after evalcli.lua, so the author's text is already cleaned.

local function annex_table(el)
  local head = {}
  local rows = {}
  local current = nil
  for _, block in ipairs(el.content) do
    if block.t == "Div" and block.classes:includes("annex-head") then
      local cells = {}
      for _, part in ipairs(block.content) do
        table.insert(cells, pandoc.Cell({ part }))
      end
      head = { pandoc.Row(cells) }
    elseif block.t == "Div" and block.classes:includes("annex-label") then
      current = { label = block.content, text = {} }
      table.insert(rows, current)
    elseif current ~= nil then
      table.insert(current.text, block)
    end
  end
  local body = {}
  for _, row in ipairs(rows) do
    table.insert(body, pandoc.Row({ pandoc.Cell(row.label), pandoc.Cell(row.text) }))
  end
  return pandoc.Table(
    { long = {}, short = nil },
    { { pandoc.AlignLeft, 0.3 }, { pandoc.AlignLeft, 0.7 } },
    pandoc.TableHead(head),
    { { attr = pandoc.Attr(), body = body, head = {}, row_head_columns = 0 } },
    pandoc.TableFoot(),
    pandoc.Attr("", { "annex-table" })
  )
end

function Div(el)
  if el.classes:includes("annex-table") then
    return annex_table(el)
  end
end

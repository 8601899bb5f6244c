-- Drives Neovim's built-in LSP client against a language server and writes what it saw as JSON.
-- Environment: HARNESS_FILE (the Dockerfile to open), HARNESS_OUT (the JSON to write),
-- HARNESS_RUNTIME (a directory with lua/dflint.lua), HARNESS_CMD (the server command, JSON array),
-- HARNESS_SETTINGS (JSON, optional), HARNESS_EDITS (how many warm re-lints to time, default 0),
-- HARNESS_CODE (the code whose quick fix to apply, optional), HARNESS_FIX_ALL (1: apply source.fixAll).
local out = {}
local function finish()
  local handle = assert(io.open(os.getenv('HARNESS_OUT'), 'w'))
  handle:write(vim.fn.json_encode(out))
  handle:close()
  vim.cmd('qall!')
end

local ok, problem = pcall(function()
  vim.cmd('filetype on')
  vim.opt.runtimepath:append(os.getenv('HARNESS_RUNTIME'))
  local settings = vim.fn.json_decode(os.getenv('HARNESS_SETTINGS') or '{}')
  local published = {} -- hrtime of every publishDiagnostics for the buffer's URI
  local default = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
    table.insert(published, vim.loop.hrtime())
    return default(err, result, ctx, config)
  end
  require('dflint').setup({
    cmd = vim.fn.json_decode(os.getenv('HARNESS_CMD')),
    settings = settings,
    flags = { debounce_text_changes = 0 }, -- every change goes out at once: the server's own time is measured
  })

  local opened = vim.loop.hrtime()
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('HARNESS_FILE')))
  local buf = vim.api.nvim_get_current_buf()
  out.filetype = vim.bo[buf].filetype
  out.first = vim.wait(30000, function() return #published > 0 end, 1)
  if not out.first then
    out.error = 'no diagnostics within 30 s'
    return
  end
  out.first_ms = (published[1] - opened) / 1e6
  out.diagnostics = vim.diagnostic.get(buf)

  out.relint_ms = {}
  for n = 1, tonumber(os.getenv('HARNESS_EDITS') or '0') do
    local before = #published
    local started = vim.loop.hrtime()
    local line = vim.api.nvim_buf_line_count(buf)
    vim.api.nvim_buf_set_lines(buf, line, line, false, { '# edit ' .. n })
    if not vim.wait(10000, function() return #published > before end, 1) then
      out.error = 'no diagnostics after edit ' .. n
      return
    end
    table.insert(out.relint_ms, (published[before + 1] - started) / 1e6)
  end

  local client = vim.lsp.get_active_clients()[1]
  local encoding = client and client.offset_encoding or 'utf-16'
  local code = os.getenv('HARNESS_CODE')
  if code then
    for _, diagnostic in ipairs(vim.diagnostic.get(buf)) do
      local lsp = diagnostic.user_data and diagnostic.user_data.lsp or {}
      if lsp.code == code then
        local range = {
          start = { line = diagnostic.lnum, character = diagnostic.col },
          ['end'] = { line = diagnostic.end_lnum, character = diagnostic.end_col },
        } -- byte columns: the same as UTF-16 units on an ASCII line
        local params = {
          textDocument = vim.lsp.util.make_text_document_params(buf),
          range = range,
          context = {
            diagnostics = { { range = range, message = diagnostic.message, code = lsp.code, source = diagnostic.source } },
          },
        }
        local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000) or {}
        for _, response in pairs(responses) do
          for _, action in ipairs(response.result or {}) do
            if action.title:sub(1, #code + 1) == code .. ':' then
              out.applied = action.title
              vim.lsp.util.apply_workspace_edit(action.edit, encoding)
            end
          end
        end
        break
      end
    end
    out.after_fix = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  end
  if os.getenv('HARNESS_FIX_ALL') == '1' then
    local last = vim.api.nvim_buf_line_count(buf)
    local params = {
      textDocument = vim.lsp.util.make_text_document_params(buf),
      range = { start = { line = 0, character = 0 }, ['end'] = { line = last, character = 0 } },
      context = { diagnostics = {}, only = { 'source.fixAll' } },
    }
    local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000) or {}
    for _, response in pairs(responses) do
      for _, action in ipairs(response.result or {}) do
        out.fix_all = action.title
        vim.lsp.util.apply_workspace_edit(action.edit, encoding)
      end
    end
    out.after_fix_all = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  end
end)
if not ok then
  out.error = tostring(problem)
end
finish()

-- dflint's language server in Neovim's built-in LSP client (Neovim 0.7 or later).
-- Put this file on 'runtimepath' as lua/dflint.lua, then in init.lua:
--   require('dflint').setup({ settings = { target = 'runtime' } })
local M = {}

local compose_names = { 'compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml' }

local function is_compose(path)
  local name = vim.fn.fnamemodify(path, ':t')
  for _, candidate in ipairs(compose_names) do
    if name == candidate then
      return true
    end
  end
  return name:match('^docker%-compose%..+%.ya?ml$') ~= nil or name:match('^compose%..+%.ya?ml$') ~= nil
end

-- The workspace folder: the nearest directory above the file holding .git or a dflint configuration.
local function root_of(path)
  local directory = vim.fn.fnamemodify(path, ':p:h')
  for _, marker in ipairs({ '.git', '.dflint.yaml', '.dflint.yml', 'pyproject.toml' }) do
    local found = vim.fn.findfile(marker, directory .. ';')
    if found == '' then
      found = vim.fn.finddir(marker, directory .. ';')
    end
    if found ~= '' then
      return (vim.fn.fnamemodify(found, ':p:h'):gsub('/%.git$', ''))
    end
  end
  return directory
end

function M.setup(opts)
  opts = opts or {}
  local settings = opts.settings or {}
  local clients = {} -- workspace folder -> client id
  vim.api.nvim_create_autocmd('FileType', {
    pattern = { 'dockerfile', 'yaml' },
    callback = function(args)
      local path = vim.api.nvim_buf_get_name(args.buf)
      if vim.bo[args.buf].filetype == 'yaml' and not is_compose(path) then
        return
      end
      local root = root_of(path)
      if not clients[root] then
        clients[root] = vim.lsp.start_client({
          name = 'dflint',
          cmd = opts.cmd or { 'dflint', 'server' },
          root_dir = root,
          init_options = { settings = settings },
          settings = { dflint = settings },
          on_attach = opts.on_attach,
          flags = opts.flags, -- e.g. { debounce_text_changes = 150 }, Neovim's own delay before sending a change
        })
      end
      vim.lsp.buf_attach_client(args.buf, clients[root])
    end,
  })
end

return M

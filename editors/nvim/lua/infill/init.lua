-- Infill for Neovim: registers `infill lsp` with Neovim 0.12's built-in LSP client and turns on its
-- built-in inline completion (ghost text). The plugin adds only key maps, `:InfillStatus` and
-- `:InfillDocstring`; everything else is Neovim's own `vim.lsp.*`.
local M = {}

M.defaults = {
  -- Command that starts the server; `model` and `threads` are appended as flags when set.
  cmd = { 'infill', 'lsp' },
  -- Pinned model name (e.g. 'qwen2.5-coder-0.5b') or a GGUF path; nil = the server's default.
  model = nil,
  threads = nil,
  filetypes = {
    'python', 'swift', 'rust', 'go', 'javascript', 'javascriptreact', 'typescript',
    'typescriptreact', 'java', 'c', 'cpp', 'lua',
  },
  root_markers = { '.git', 'Package.swift', 'pyproject.toml', 'setup.py', 'Cargo.toml', 'go.mod', 'package.json' },
  -- Sent as `initializationOptions` (see docs/configuration.md for the keys).
  init_options = nil,
  -- Keys in insert mode; set one to false to leave that key alone.
  keys = {
    accept = '<Tab>', -- accepts the ghost text, or types a normal Tab when none shows
    dismiss = '<C-]>', -- hides the ghost text, or does the key's usual job when none shows
    next = '<M-]>',
    prev = '<M-[>',
  },
}

local function notify(msg, level)
  vim.notify('infill: ' .. msg, level or vim.log.levels.INFO)
end

local function has_required_neovim()
  return vim.fn.has('nvim-0.12') == 1 and vim.lsp.inline_completion ~= nil
end

local function server_cmd(opts)
  local cmd = vim.deepcopy(opts.cmd)
  if opts.model then
    vim.list_extend(cmd, { '--model', opts.model })
  end
  if opts.threads then
    vim.list_extend(cmd, { '--threads', tostring(opts.threads) })
  end
  return cmd
end

local function map_keys(keys)
  local ic = vim.lsp.inline_completion
  if keys.accept then
    vim.keymap.set('i', keys.accept, function()
      if not ic.get() then
        return keys.accept -- no ghost text: the key keeps its usual meaning
      end
    end, { expr = true, desc = 'Infill: accept the inline completion' })
  end
  if keys.dismiss then
    vim.keymap.set('i', keys.dismiss, function()
      -- `get` with an `on_accept` that returns nil clears the suggestion without inserting it.
      if not ic.get({ on_accept = function() return nil end }) then
        return keys.dismiss
      end
    end, { expr = true, desc = 'Infill: dismiss the inline completion' })
  end
  if keys.next then
    vim.keymap.set('i', keys.next, function() ic.select({ count = 1 }) end,
      { desc = 'Infill: next inline completion' })
  end
  if keys.prev then
    vim.keymap.set('i', keys.prev, function() ic.select({ count = -1 }) end,
      { desc = 'Infill: previous inline completion' })
  end
end

--- Generates a docstring for the function under the cursor ("Generate docstring" code action).
function M.docstring()
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action, client_id)
      local client = vim.lsp.get_client_by_id(client_id)
      return client ~= nil and client.name == 'infill' and action.title == 'Generate docstring'
    end,
  })
end

--- Returns the status table shown by `:InfillStatus` (see infill.status).
function M.status()
  return require('infill.status').snapshot()
end

---@param user_opts? table see M.defaults
---@return boolean true when Infill was set up
function M.setup(user_opts)
  if not has_required_neovim() then
    -- `:version` reads the same on every Neovim (vim.version() has no tostring before 0.9).
    local version = vim.fn.matchstr(vim.fn.execute('version'), [=[NVIM \zs[^[:space:]]\+]=])
    notify(('needs Neovim 0.12 or newer for inline completion; this is %s. '
      .. 'Upgrade Neovim, or use `infill lsp` through another completion plugin.'):format(version),
      vim.log.levels.WARN)
    return false
  end
  local opts = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), user_opts or {})
  M.options = opts

  vim.lsp.config('infill', {
    cmd = server_cmd(opts),
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    init_options = opts.init_options,
  })
  vim.lsp.enable('infill')
  vim.lsp.inline_completion.enable()

  require('infill.status').track(opts)
  map_keys(opts.keys)

  vim.api.nvim_create_user_command('InfillStatus', function()
    require('infill.status').echo()
  end, { desc = 'Infill: model, load progress and last completion latency' })
  vim.api.nvim_create_user_command('InfillDocstring', M.docstring,
    { desc = 'Infill: generate a docstring for the function under the cursor' })
  return true
end

return M

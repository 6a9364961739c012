-- What `:InfillStatus` shows: the model, the server's model-loading progress (from its `$/progress`
-- notifications) and the latency of the last completion request (from Neovim's LspRequest events).
local M = {}

local COMPLETION_METHODS = {
  ['textDocument/inlineCompletion'] = true,
  ['textDocument/completion'] = true,
}

local state = {
  model = nil, -- as configured; the server's default when nil
  progress = nil, -- last `$/progress` value from the server: { kind, title, message, percentage }
  pending = {}, -- request id -> start time (ms) of completion requests in flight
  last_latency_ms = nil,
  last_method = nil,
  completed = 0,
}

local function is_infill(client_id)
  local client = vim.lsp.get_client_by_id(client_id)
  return client ~= nil and client.name == 'infill'
end

function M.track(opts)
  state.model = opts.model
  local group = vim.api.nvim_create_augroup('infill.status', { clear = true })
  vim.api.nvim_create_autocmd('LspProgress', {
    group = group,
    callback = function(ev)
      local data = ev.data or {}
      if not is_infill(data.client_id) or type(data.params) ~= 'table' then
        return
      end
      local value = data.params.value
      if type(value) == 'table' then
        local previous = state.progress or {}
        state.progress = {
          kind = value.kind,
          title = value.title or previous.title, -- only `begin` carries the title
          message = value.message,
          percentage = value.percentage,
        }
      end
    end,
  })
  vim.api.nvim_create_autocmd('LspRequest', {
    group = group,
    callback = function(ev)
      local data = ev.data or {}
      local request = data.request
      if not request or not COMPLETION_METHODS[request.method] or not is_infill(data.client_id) then
        return
      end
      local id = data.request_id
      if request.type == 'pending' then
        state.pending[id] = vim.uv.hrtime()
      elseif request.type == 'complete' and state.pending[id] then
        state.last_latency_ms = (vim.uv.hrtime() - state.pending[id]) / 1e6
        state.last_method = request.method
        state.completed = state.completed + 1
        state.pending[id] = nil
      elseif request.type == 'cancel' then
        state.pending[id] = nil
      end
    end,
  })
end

--- The server's own view (`infill/status`: model file and state, last generation, prompt-cache reuse);
--- nil when it does not answer within a moment (it answers between generations).
local function server_status(client)
  if not client or client:is_stopped() then
    return nil
  end
  local response = client:request_sync('infill/status', vim.empty_dict(), 1000)
  return response and not response.err and type(response.result) == 'table' and response.result or nil
end

--- A plain table, for scripts and tests.
function M.snapshot()
  local clients = vim.lsp.get_clients({ name = 'infill' })
  local client = clients[1]
  local p = state.progress
  -- The server ends its load progress with "<model> ready" or "failed: <why>".
  local loaded = p ~= nil and p.kind == 'end' and not (p.message or ''):find('^failed')
  return {
    running = client ~= nil and not client:is_stopped(),
    client_id = client and client.id,
    server = client and client.server_info and client.server_info.name,
    version = client and client.server_info and client.server_info.version,
    model = state.model,
    progress = state.progress and vim.deepcopy(state.progress),
    loaded = loaded,
    last_latency_ms = state.last_latency_ms,
    last_method = state.last_method,
    completed = state.completed,
    server_status = server_status(client),
  }
end

local function progress_text(p, loaded)
  if not p then
    return 'no progress reported yet'
  end
  if p.kind == 'end' then
    if not loaded then
      return 'not loaded (' .. (p.message or 'no reason given') .. ')'
    end
    return 'loaded' .. (p.message and (' (' .. p.message .. ')') or '')
  end
  local parts = { p.title or 'loading' }
  if p.percentage then
    table.insert(parts, ('%d%%'):format(p.percentage))
  end
  if p.message then
    table.insert(parts, p.message)
  end
  return table.concat(parts, ' ')
end

function M.lines()
  local s = M.snapshot()
  local server = s.running and ('running (client %d%s)'):format(s.client_id,
    s.server and (', ' .. s.server .. (s.version and (' ' .. s.version) or '')) or '')
    or 'not running in this session (open a supported file)'
  local latency = s.last_latency_ms
    and ('%.0f ms (%s, %d answered)'):format(s.last_latency_ms, s.last_method, s.completed)
    or 'no completion answered yet'
  local model = s.model or "the server's default"
  local st = s.server_status
  if st then
    model = ('%s (file %s, %s)'):format(model, tostring(st.model), tostring(st.modelState))
    if type(st.lastLatencyMs) == 'number' then
      latency = latency .. ('; server: last generation %.0f ms, %d of %d prompt tokens from cache')
        :format(st.lastLatencyMs, st.lastReusedTokens or 0, st.lastPromptTokens or 0)
    end
  end
  return {
    'Infill server: ' .. server,
    'Infill model: ' .. model,
    'Infill load: ' .. progress_text(s.progress, s.loaded),
    'Infill last latency: ' .. latency,
  }
end

function M.echo()
  local chunks = {}
  for i, line in ipairs(M.lines()) do
    table.insert(chunks, { (i > 1 and '\n' or '') .. line })
  end
  vim.api.nvim_echo(chunks, true, {})
end

return M

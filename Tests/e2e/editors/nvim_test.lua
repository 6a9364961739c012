-- Real-editor test: Neovim 0.12 (headless) with editors/nvim and the real `infill lsp`.
-- Run by scripts/test-editors:
--   nvim --headless -u NONE -i NONE --cmd 'set rtp^=editors/nvim' -S Tests/e2e/editors/nvim_test.lua
-- Environment: INFILL_BIN (server binary), INFILL_MODEL, INFILL_WORK (a copy of fixtures/),
-- INFILL_TIMEOUT_S (per wait); INFILL_REPORT and INFILL_TMUX_SOCKET when it runs in a terminal
-- under tmux to capture screens. Prints `ok NAME` / `FAIL NAME: why` lines; exits 1 if any failed.
-- The steps run in a coroutine that yields to the event loop while it waits, so keys typed with
-- nvim_input, LSP messages and Neovim's own timers run exactly as in an interactive session.

local api = vim.api
local WORK = assert(os.getenv('INFILL_WORK'), 'INFILL_WORK is not set')
local TIMEOUT_MS = tonumber(os.getenv('INFILL_TIMEOUT_S') or '120') * 1000
local NS = api.nvim_create_namespace('nvim.lsp.inline_completion')

-- Under tmux (scripts/test-editors --screens) the terminal is Neovim's screen: report to a file then.
local REPORT = os.getenv('INFILL_REPORT')
local TMUX_SOCKET = os.getenv('INFILL_TMUX_SOCKET')

local results = { passed = 0, failed = 0 }
local function say(line)
  if REPORT then
    local f = assert(io.open(REPORT, 'a'))
    f:write(line .. '\n')
    f:close()
  else
    io.stdout:write(line .. '\n')
    io.stdout:flush()
  end
end

-- Coroutine helpers -------------------------------------------------------------------------

local runner
local function sleep(ms)
  vim.defer_fn(function()
    assert(coroutine.resume(runner))
  end, ms)
  coroutine.yield()
end

--- Polls `pred` until it returns a truthy value; fails with `what` after the timeout.
--- `nudge` (optional) runs every `nudge_ms` while waiting, e.g. to re-trigger a request.
local function wait_for(what, pred, opts)
  opts = opts or {}
  local start = vim.uv.now()
  local last_nudge = start
  while true do
    local ok, value = pcall(pred)
    if ok and value then
      return value
    end
    local now = vim.uv.now()
    if now - start > (opts.timeout or TIMEOUT_MS) then
      error(('timed out after %d s waiting for %s%s'):format((now - start) / 1000, what,
        ok and '' or (' (last error: ' .. tostring(value) .. ')')), 0)
    end
    if opts.nudge and now - last_nudge > (opts.nudge_ms or 15000) then
      last_nudge = now
      opts.nudge()
    end
    sleep(50)
  end
end

local function check(cond, msg)
  if not cond then
    error(msg, 2)
  end
end

local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then
    results.passed = results.passed + 1
    say('ok   nvim: ' .. name)
  else
    results.failed = results.failed + 1
    say('FAIL nvim: ' .. name .. ': ' .. tostring(err))
  end
  -- Leave insert mode so the next step starts in normal mode.
  api.nvim_input('<Esc>')
  sleep(100)
end

-- Editor helpers -----------------------------------------------------------------------------

local function lines()
  return api.nvim_buf_get_lines(0, 0, -1, false)
end

local function find_line(pattern)
  for i, l in ipairs(lines()) do
    if l:find(pattern, 1, true) then
      return i
    end
  end
  error('fixture line not found: ' .. pattern, 0)
end

local function infill_client()
  return vim.lsp.get_clients({ bufnr = 0, name = 'infill' })[1]
end

local function open(file)
  vim.cmd.edit(vim.fn.fnameescape(WORK .. '/' .. file))
  local buf = api.nvim_get_current_buf()
  wait_for('the infill client to attach to ' .. file, function()
    local c = infill_client()
    return c and c.initialized and vim.lsp.buf_is_attached(buf, c.id)
  end)
  -- Neovim starts a buffer's inline completion one event-loop turn after the attach, creating the
  -- augroup `nvim.lsp.inline_completion:<buf>` that holds its InsertEnter trigger; wait for it.
  wait_for('inline completion to start in ' .. file, function()
    return #api.nvim_get_autocmds({ group = 'nvim.lsp.inline_completion:' .. buf }) > 0
  end)
end

local function completion_pending()
  local c = infill_client()
  for _, r in pairs(c and c.requests or {}) do
    if r.type == 'pending' and r.method == 'textDocument/inlineCompletion' then
      return true
    end
  end
  return false
end

local function ghost_text()
  local marks = api.nvim_buf_get_extmarks(0, NS, 0, -1, { details = true })
  if #marks == 0 then
    return nil
  end
  local d = marks[1][4]
  local parts = {}
  for _, chunk in ipairs(d.virt_text or {}) do
    table.insert(parts, chunk[1])
  end
  local text = table.concat(parts)
  for _, vl in ipairs(d.virt_lines or {}) do
    local l = {}
    for _, chunk in ipairs(vl) do
      table.insert(l, chunk[1])
    end
    text = text .. '\n' .. table.concat(l)
  end
  return text
end

--- Puts the cursor at the end of line `row` in insert mode, as `A` does, and waits for ghost text.
--- If the answer brought none (say, null while the model loaded), leave and re-enter insert mode,
--- as a user would.
local function ghost_at_end_of(row)
  api.nvim_win_set_cursor(0, { row, 0 })
  api.nvim_input('A')
  return wait_for('ghost text (an extmark in namespace nvim.lsp.inline_completion)', function()
    local t = ghost_text()
    return t and t:find('%S') and t
  end, {
    nudge = function()
      if completion_pending() then
        return -- still generating (a busy machine): re-asking would only supersede it
      end
      api.nvim_input('<Esc>')
      api.nvim_win_set_cursor(0, { row, 0 })
      api.nvim_input('A')
    end,
  })
end

--- The inline-completion test: ghost text at the hole, Tab accepts it, the text lands at the hole.
local function complete_hole(file, before_hole)
  open(file)
  local before = lines()
  local row = find_line(before_hole) + 1
  local indent = before[row]
  check(indent:match('^%s+$'), 'fixture: the hole line should hold only its indentation')
  local ghost = ghost_at_end_of(row)
  if TMUX_SOCKET then -- a terminal shows this Neovim: keep the screen with the ghost text for the docs
    vim.cmd.redraw()
    local screen = vim.fn.system({ 'tmux', '-S', TMUX_SOCKET, 'capture-pane', '-p' })
    vim.fn.mkdir(WORK .. '/screens', 'p')
    vim.fn.writefile(vim.split(screen, '\n'), WORK .. '/screens/nvim-ghost-text-' .. file .. '.txt')
  end
  say(('     ghost text in %s: %s'):format(file, vim.inspect(ghost)))
  api.nvim_input('<Tab>')
  local after = wait_for('the buffer to change after <Tab>', function()
    local now = lines()
    return #now ~= #before or now[row] ~= before[row] and now
  end)
  after = lines()
  check(not ghost_text(), 'ghost text is still shown after accepting it')
  check(vim.startswith(after[row], indent) and after[row]:find('%S'),
    ('the hole line should start with its indentation and hold code; got %q'):format(after[row]))
  -- Everything before the hole is untouched, and the suffix after it survives as the buffer's tail.
  for i = 1, row - 1 do
    check(after[i] == before[i], ('line %d changed: %q'):format(i, after[i]))
  end
  local tail = #before - row
  for k = 0, tail - 1 do
    check(after[#after - k] == before[#before - k], ('the suffix changed at line %d: %q'):format(#after - k, after[#after - k]))
  end
  -- The accepted text is what the ghost text showed (the visible part starts after the indentation).
  local inserted = table.concat(vim.list_slice(after, row, #after - tail), '\n')
  check(inserted:find(vim.trim(ghost:match('[^\n]*')), 1, true),
    ('the inserted text %q does not contain the ghost text %q'):format(inserted, ghost))
  -- Inserted continuation lines keep at least the hole's indentation.
  for i = row + 1, #after - tail do
    check(after[i] == '' or vim.startswith(after[i], indent),
      ('inserted line %d is not indented like the hole: %q'):format(i, after[i]))
  end
  vim.cmd('silent write')
end

-- The tests ------------------------------------------------------------------------------------

local function main()
  vim.cmd('filetype plugin indent on')
  vim.o.swapfile = false
  vim.o.showmode = TMUX_SOCKET ~= nil -- headless Neovim prints mode messages on stdout otherwise
  vim.o.number = TMUX_SOCKET ~= nil -- on a captured screen, ghost lines are the ones without a number
  local model = os.getenv('INFILL_MODEL')
  local ok = require('infill').setup({
    -- A generous time limit: the server otherwise stops at a line boundary after ~1.5 s, which
    -- would make the text depend on how busy the machine is.
    cmd = { assert(os.getenv('INFILL_BIN'), 'INFILL_BIN is not set'), 'lsp', '--time-limit-ms', '60000' },
    model = model,
  })
  check(ok, 'setup() refused to run on this Neovim')

  test('Tab types a Tab where there is no ghost text', function()
    vim.cmd.enew()
    vim.bo.expandtab = false
    api.nvim_input('ix<Tab>y')
    wait_for('the typed text', function()
      return api.nvim_get_current_line() == 'x\ty'
    end, { timeout = 10000 })
  end)

  test('ghost text in a Python file, accepted with Tab', function()
    complete_hole('primes.py', '"""Return True if n is a prime number."""')
  end)

  test('ghost text in a Swift file, accepted with Tab', function()
    complete_hole('Greeter.swift', 'func greeting() -> String {')
  end)

  test('Generate docstring through vim.lsp.buf.code_action', function()
    open('primes.py')
    local before = lines()
    local def = find_line('def gcd(a, b):')
    api.nvim_win_set_cursor(0, { def, 4 })
    require('infill').docstring() -- vim.lsp.buf.code_action{filter = ..., apply = true}
    local after = wait_for('the docstring to be inserted', function()
      local now = lines()
      return #now > #before and now
    end)
    check(after[def] == before[def], 'the def line changed: ' .. after[def])
    check(after[def + 1]:match('^    [rRuUbB]?"""') or after[def + 1]:match("^    '''"),
      ('the line after the def should open a docstring at indent 4; got %q'):format(after[def + 1]))
    local body = find_line('while b:')
    check(body > def + 1 and after[body] == '    while b:', 'the function body moved or changed')
    for i = def + 1, body - 1 do
      check(after[i] == '' or after[i]:match('^    '), ('docstring line %d is not indented: %q'):format(i, after[i]))
    end
    vim.cmd('silent write')
  end)

  test(':InfillStatus shows the model, the finished load and a latency', function()
    local out = api.nvim_exec2('InfillStatus', { output = true }).output
    say('     ' .. out:gsub('\n', '\n     '))
    check(out:find('Infill server: running', 1, true), 'server not reported running')
    if model then
      check(out:find('Infill model: ' .. model, 1, true), 'model not shown')
    end
    check(out:find('Infill load: loaded', 1, true), 'model load not reported as finished ($/progress end)')
    check(out:find('Infill model: [^\n]*, ready%)'), 'the server did not report its model ready (infill/status)')
    check(out:find('Infill last latency: %d+ ms'), 'no latency recorded')
  end)

  test('accepting a header over the line below indents that line (infill.indentLines)', function()
    -- The scripted server answers a blank line over a line marked `# scripted: indent below` with a
    -- header whose body that line becomes: the item's command, run by Neovim after inserting it,
    -- comes back as workspace/applyEdit. The real client leaves this buffer to it.
    open('brackets.py')
    local buf = api.nvim_get_current_buf()
    vim.lsp.buf_detach_client(buf, infill_client().id)
    local id = vim.lsp.start({ name = 'infill-scripted', root_dir = WORK,
      cmd = { os.getenv('INFILL_BIN'), 'lsp', '--scripted-backend' } }, { bufnr = buf })
    wait_for('the scripted client to attach', function()
      local c = vim.lsp.get_client_by_id(id)
      return c and c.initialized and vim.lsp.buf_is_attached(buf, id)
    end)
    local row = find_line('depth += 1') + 1
    local body = lines()[row + 1]
    local ghost = ghost_at_end_of(row)
    check(vim.trim(ghost) == 'if ready:', 'scripted ghost text: ' .. vim.inspect(ghost))
    api.nvim_input('<Tab>')
    local after = wait_for('the line below to be indented', function()
      local now = lines()
      return now[row + 1] == '    ' .. body and now
    end)
    check(after[row] == '        if ready:', 'the accepted line: ' .. after[row])
    check(after[row + 2] == '    return depth == 0', 'the line after the body changed: ' .. after[row + 2])
    vim.lsp.stop_client(id)
  end)
end

runner = coroutine.create(function()
  local ok, err = pcall(main)
  if not ok then
    results.failed = results.failed + 1
    say('FAIL nvim: set-up: ' .. tostring(err))
  end
  say(('nvim: %d passed, %d failed'):format(results.passed, results.failed))
  vim.cmd(results.failed == 0 and 'qall!' or 'cquit! 1')
end)
vim.schedule(function()
  assert(coroutine.resume(runner))
end)

-- Owns: Neovim 0.11 e2e tests of the online features against the fake ECI API: completion of an
-- instance and a container, the ▶ Run lens -> inlay hint + hover, :EciExecRun -> floating window,
-- a fleet run (a Tags selector) -> one section per instance in the float, and sessions:
-- ▶ Open terminal / ▶ Stream -> a terminal split running `eci-exec-lsp exec`.
-- run.sh starts the fake, writes the fixtures and sets: E2E_REPO, E2E_ONLINE_DIR (holds
-- run.eci.json and complete.eci.json), E2E_FAKE_GROUP, E2E_FAKE_CONTAINER, E2E_EXPECT_OUTPUT
-- (a line the fake answers for the Run entry's command), plus ECI_EXEC_ENDPOINT and the
-- ALIBABA_CLOUD_ACCESS_KEY_* credentials in the environment the server inherits.
local H = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')
local dir = assert(os.getenv('E2E_ONLINE_DIR'), 'E2E_ONLINE_DIR not set')
local group = assert(os.getenv('E2E_FAKE_GROUP'))
local container = assert(os.getenv('E2E_FAKE_CONTAINER'))
local expect = assert(os.getenv('E2E_EXPECT_OUTPUT'))

H.start()

--- Polls completion until `want` is among the labels: the server answers from its cache and
--- fills it in the background, so the first answer may be empty by design.
local function complete_until(client, buf, pos, want)
  local last = {}
  H.wait(15000, function()
    local res = client:request_sync('textDocument/completion',
      { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = pos }, 3000, buf)
    last = H.labels(res and res.result)
    for _, l in ipairs(last) do if l:gsub('"', '') == want then return true end end
    vim.wait(200)
    return false
  end, ('%q among completions (last: %s)'):format(want, vim.inspect(last)))
end

H.test('online completion offers an instance and a container', function()
  local buf, client = H.open(dir .. '/complete.eci.json')
  -- complete.eci.json: entry 0 (line 3) has an empty ContainerGroupId; entry 1 (line 4) names
  -- the instance and has an empty ContainerName, whose completion lists that instance's containers.
  complete_until(client, buf, H.pos_of(buf, 3, '"ContainerGroupId": ""', 20), group)
  complete_until(client, buf, H.pos_of(buf, 4, '"ContainerName": ""', 17), container)
end)

H.test('code lenses and inlay hints are enabled for the buffer', function()
  -- The offline fixture has one entry per line; entry 0 (line 6) is Sync, so its lens is `▶ Run`.
  local buf = H.open(H.repo .. '/tests/e2e/workspace/offline/offline.eci.json')
  assert(vim.lsp.inlay_hint.is_enabled({ bufnr = buf }), 'inlay hints not enabled')
  H.wait(10000, function() return #vim.lsp.codelens.get(buf) > 0 end, 'code lenses')
  local titles = {}
  for _, l in ipairs(vim.lsp.codelens.get(buf)) do
    if l.command then titles[#titles + 1] = l.range.start.line .. ':' .. l.command.title end
  end
  local found = false
  for _, t in ipairs(titles) do
    if t:match('^6:') and t:find('▶ Run', 1, true) then found = true end
  end
  assert(found, 'no ▶ Run lens on line 6: ' .. vim.inspect(titles))
end)

H.test('the lens shows its instance status once the list lands (workspace/codeLens/refresh)', function()
  local buf = H.open(dir .. '/run.eci.json')
  local titles = {}
  local found = vim.wait(15000, function()
    titles = {}
    for _, l in ipairs(vim.lsp.codelens.get(buf)) do
      if l.command then titles[#titles + 1] = l.command.title end
    end
    for _, t in ipairs(titles) do
      if t:find('▶ Run · ● Running', 1, true) then return true end
    end
    return false
  end, 50)
  assert(found, 'no "▶ Run · ● Running" lens; lenses: ' .. vim.inspect(titles))
end)

local function hint_text(buf)
  local out = {}
  for _, h in ipairs(vim.lsp.inlay_hint.get({ bufnr = buf })) do
    local label = h.inlay_hint.label
    if type(label) == 'table' then
      label = table.concat(vim.tbl_map(function(p) return p.value end, label))
    end
    out[#out + 1] = { line = h.inlay_hint.position.line, text = label }
  end
  return out
end

--- Waits for the buffer's `▶ Run` lens (`▶ Run on N instances` for a selector) and runs its
--- command as a click would; returns the answer of eciExec.run.
local function execute_run_lens(buf, client)
  local function run_lens_now()
    for _, l in ipairs(vim.lsp.codelens.get(buf)) do
      if l.command and l.command.title:find('▶ Run', 1, true) then return l end
    end
  end
  H.wait(10000, run_lens_now, '▶ Run lens')
  local lens = run_lens_now()
  local res = client:request_sync('workspace/executeCommand',
    { command = lens.command.command, arguments = lens.command.arguments }, 20000, buf)
  assert(res and not res.err, 'eciExec.run failed: ' .. vim.inspect(res))
  return res
end

H.test('the ▶ Run lens runs the entry; the output shows as inlay hint and in the hover', function()
  local buf, client = H.open(dir .. '/run.eci.json')
  local res = execute_run_lens(buf, client)
  local out = res.result and res.result.syncResponse
  assert(type(out) == 'string' and out:find(expect, 1, true), ('syncResponse %s lacks %q'):format(vim.inspect(out), expect))
  -- The Command line of the entry (contract: hint at the end of the entry's Command line).
  local cmd_line
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:find('"Command"', 1, true) then cmd_line = i - 1; break end
  end
  H.wait(10000, function()
    for _, h in ipairs(hint_text(buf)) do
      if h.line == cmd_line and h.text:find('⇒', 1, true) and h.text:find(expect, 1, true) then return true end
    end
  end, ('inlay hint ⇒ %s on line %d (have %s)'):format(expect, cmd_line, vim.inspect(hint_text(buf))))
  local hover = client:request_sync('textDocument/hover', {
    -- On the Command's value (the key's hover is the field's docs).
    textDocument = { uri = vim.uri_from_bufnr(buf) }, position = H.pos_of(buf, cmd_line, '"uname"', 2),
  }, 5000, buf)
  local c = hover and hover.result and hover.result.contents
  local text = c and (type(c) == 'string' and c or c.value) or vim.inspect(hover)
  assert(text:find(expect, 1, true), 'hover of Command lacks the output: ' .. text)
end)

H.test(':EciExecRun opens the floating window with the output', function()
  local buf = H.open(dir .. '/run.eci.json')
  require('eci_exec.run').last = nil
  local line
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:find('"ContainerName"', 1, true) then line = i; break end
  end
  vim.api.nvim_win_set_cursor(0, { line, 4 })
  vim.cmd('EciExecRun')
  local function float_text()
    for _, w in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(w).relative ~= '' then
        return table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(w), 0, -1, false), '\n')
      end
    end
  end
  H.wait(20000, function() local t = float_text(); return t and t:find(expect, 1, true) end,
    'a floating window with ' .. expect)
end)

H.test('a Tags selector runs on every running web replica from the lens; the float has one section each', function()
  -- fleet.eci.json: Tags app=web; the fake's web-1 to web-4 run nginx, web-5 and web-6 are skipped.
  local buf, client = H.open(dir .. '/fleet.eci.json')
  require('eci_exec.run').last = nil
  local res = execute_run_lens(buf, client)
  local summary = res.result and res.result.summary
  assert(summary and summary.ok == 4 and summary.failed == 0 and summary.skipped == 2,
    'summary: ' .. vim.inspect(res.result))
  -- The float of an earlier test may still be open: look for the one holding the fleet.
  local function fleet_float_text()
    for _, w in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(w).relative ~= '' then
        local text = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(w), 0, -1, false), '\n')
        if text:find('web-4', 1, true) then return text end
      end
    end
  end
  H.wait(20000, fleet_float_text, 'a floating window with the fleet result')
  local text = fleet_float_text()
  for n = 1, 4 do
    local section = ('✓ web-%d (eci-bp1fakerep0000%d)\n  fake-eci ran: uname -n'):format(n, n)
    assert(text:find(section, 1, true), ('section %q missing in:\n%s'):format(section, text))
  end
  assert(text:find('– web-5 (eci-bp1fakerep00005) skipped: status is Pending, not Running', 1, true), text)
  assert(text:find('– web-6', 1, true) < text:find('✓ web-1', 1, true), 'skipped before ok: ' .. text)
  H.wait(10000, function()
    for _, h in ipairs(hint_text(buf)) do
      if h.text:find('⇒ 4/4 ok · fake-eci ran: uname -n', 1, true) then return true end
    end
  end, ('inlay hint ⇒ 4/4 ok (have %s)'):format(vim.inspect(hint_text(buf))))
end)

local session = require('eci_exec.session')

--- The lines of a terminal buffer.
local function term_lines(buf) return vim.api.nvim_buf_get_lines(buf, 0, -1, false) end

local function has_line(buf, want)
  for _, l in ipairs(term_lines(buf)) do if vim.trim(l) == want then return true end end
  return false
end

--- Runs the lens titled `title` as a user does (cursor on its line, vim.lsp.codelens.run())
--- and returns the session it opened.
local function run_lens(buf, title)
  local lens
  H.wait(10000, function()
    for _, l in ipairs(vim.lsp.codelens.get(buf)) do
      if l.command and l.command.title:find(title, 1, true) then lens = l; return true end
    end
  end, title .. ' lens')
  vim.api.nvim_win_set_cursor(0, { lens.range.start.line + 1, 0 })
  session.last = nil
  vim.lsp.codelens.run()
  H.wait(10000, function() return session.last ~= nil end, 'a terminal split for ' .. title)
  return session.last
end

H.test('▶ Open terminal opens a terminal split with a working shell, and shows its exit', function()
  local buf = H.open(dir .. '/session.eci.json')
  local s = run_lens(buf, '▶ Open terminal')
  assert(vim.bo[s.buf].buftype == 'terminal', 'not a terminal buffer')
  assert(vim.api.nvim_buf_get_name(s.buf):find('shell · nginx', 1, true), vim.api.nvim_buf_get_name(s.buf))
  H.wait(15000, function() return table.concat(term_lines(s.buf), '\n'):find('$ ', 1, true) end,
    'the shell prompt; screen: ' .. vim.inspect(term_lines(s.buf)))
  vim.api.nvim_chan_send(s.job, 'echo from nvim\r')
  H.wait(10000, function() return has_line(s.buf, 'from nvim') end,
    'the echo; screen: ' .. vim.inspect(term_lines(s.buf)))
  vim.api.nvim_chan_send(s.job, 'exit 3\r')
  H.wait(10000, function() return s.exit_code == 3 end, 'exit status 3, have ' .. tostring(s.exit_code))
end)

H.test('▶ Stream shows the output as it comes, then its exit', function()
  local buf = H.open(dir .. '/session.eci.json')
  local s = run_lens(buf, '▶ Stream')
  local first, last
  H.wait(15000, function()
    first = first or (has_line(s.buf, '1') and vim.uv.hrtime())
    last = has_line(s.buf, '5') and vim.uv.hrtime()
    return first and last
  end, 'lines 1 to 5; screen: ' .. vim.inspect(term_lines(s.buf)))
  -- `seq 5 400` on the fake: 1.6 s from the first line to the last; they came as produced.
  local ms = (last - first) / 1e6
  assert(ms > 1000, ('line 1 came only %d ms before line 5'):format(ms))
  H.wait(10000, function() return s.exit_code == 0 end, 'exit status 0, have ' .. tostring(s.exit_code))
end)

H.finish()

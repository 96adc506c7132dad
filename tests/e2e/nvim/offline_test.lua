-- Owns: Neovim 0.11 e2e tests that need no cloud: file type, diagnostics at the contract's lines
-- (and as many as `check` reports), completion of field names, hover docs, code lens shape,
-- document symbols, and :checkhealth eci_exec.
-- Run: E2E_REPO=/path/to/repo nvim --headless --clean -l offline_test.lua
local H = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')
local ws = H.repo .. '/tests/e2e/workspace/offline'
local file = ws .. '/offline.eci.json'

H.start({ online = false }) -- offline means offline, whatever credentials the machine has
local buf, client

H.test('file type and language id of *.eci.json', function()
  buf, client = H.open(file)
  assert(vim.bo[buf].filetype == 'eci-exec', 'filetype ' .. vim.bo[buf].filetype)
  for name, want in pairs({ ['x.eci.jsonc'] = 'eci-exec', ['eci-exec.json'] = 'eci-exec', ['plain.json'] = 'json' }) do
    local got = vim.filetype.match({ filename = '/tmp/' .. name })
    assert(got == want, ('%s detected as %s, want %s'):format(name, tostring(got), want))
  end
  assert(client.config.get_language_id(buf, vim.bo[buf].filetype) == 'eci-exec')
end)

H.test('diagnostics appear at the right lines', function()
  assert(client, 'no client')
  local want = H.expected(ws .. '/expected.tsv')
  H.wait(10000, function() return #vim.diagnostic.get(buf) >= #want end, #want .. ' diagnostics')
  local got = vim.diagnostic.get(buf)
  local seen = {}
  for _, d in ipairs(got) do seen[d.lnum .. ':' .. tostring(d.code)] = true end
  for _, w in ipairs(want) do
    assert(seen[w.line .. ':' .. w.code], ('missing %s at line %d; got: %s'):format(w.code, w.line,
      vim.inspect(vim.tbl_map(function(d) return d.lnum .. ':' .. tostring(d.code) end, got))))
  end
  -- Same number as the command-line checker: editor and CI must agree.
  local res = vim.system({ H.server, 'check', '--format', 'json', file }, { text = true }):wait(20000)
  local n = 0
  for l in (res.stdout or ''):gmatch('[^\n]+') do
    if l:match('^%s*{') then n = n + 1 end
  end
  assert(n == #got, ('check reports %d diagnostics, the editor shows %d'):format(n, #got))
end)

H.test('completion offers field names', function()
  -- complete.eci.json ends with a key being typed: `"S` on line 5; the cursor goes after the S.
  local cbuf, cclient = H.open(ws .. '/complete.eci.json')
  local res = cclient:request_sync('textDocument/completion', {
    textDocument = { uri = vim.uri_from_bufnr(cbuf) }, position = H.pos_of(cbuf, 5, '"S', 2),
  }, 5000, cbuf)
  assert(res and not res.err, 'completion error: ' .. vim.inspect(res and res.err))
  local labels = H.labels(res.result)
  local set = {}
  for _, l in ipairs(labels) do set[(l:gsub('"', ''))] = true end
  for _, f in ipairs({ 'Sync', 'Stdin', 'TTY' }) do
    assert(set[f], ('field %s not offered; got %s'):format(f, vim.inspect(labels)))
  end
  vim.cmd.buffer(buf)
end)

H.test('hover shows field docs', function()
  assert(client, 'no client')
  local res = client:request_sync('textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) }, position = H.pos_of(buf, 6, '"Sync"', 2),
  }, 5000, buf)
  assert(res and res.result, 'no hover: ' .. vim.inspect(res))
  local c = res.result.contents
  local text = type(c) == 'string' and c or c.value or vim.inspect(c)
  assert(text:find('SyncResponse', 1, true) or text:lower():find('output', 1, true),
    'hover of Sync does not describe it: ' .. text)
end)

H.test('document symbols name the entries by Label', function()
  assert(client, 'no client')
  local res = client:request_sync('textDocument/documentSymbol', { textDocument = { uri = vim.uri_from_bufnr(buf) } }, 5000, buf)
  assert(res and res.result, 'no symbols')
  local names = {}
  local function walk(list) for _, s in ipairs(list) do names[#names + 1] = s.name; walk(s.children or {}) end end
  walk(res.result)
  for _, l in ipairs({ 'list', 'typo', 'shell' }) do
    assert(vim.tbl_contains(names, l), ('no symbol %q in %s'):format(l, vim.inspect(names)))
  end
end)

H.test(':checkhealth eci_exec reports OK', function()
  vim.cmd('silent checkhealth eci_exec')
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  local text = table.concat(lines, '\n')
  vim.cmd('bwipeout!')
  assert(text:find('found ' .. H.server, 1, true), 'binary not reported found:\n' .. text)
  assert(text:find('OK version: eci%-exec%-lsp'), 'no version line:\n' .. text)
  assert(not text:find('ERROR', 1, true), 'checkhealth has an ERROR:\n' .. text)
  assert(not text:find('ALIBABA_CLOUD_ACCESS_KEY_SECRET=', 1, true) , 'a value leaked')
end)

H.finish()

-- Owns: Neovim 0.11 e2e tests that need no cloud: file type, diagnostics at the contract's lines
-- (and as many as `check` reports), completion of field names (asked, and after a typed prefix),
-- hover docs, document symbols, formatting, folding, and :checkhealth eci_exec.
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

H.test('completion after a typed "S accepts Sync as "Sync": ', function()
  -- The default LSP omnifunc (<C-x><C-o>), in a Neovim that gets the keys as typed.
  local nv = H.child({ online = false })
  local ok, err = pcall(function()
    nv.lua('vim.cmd.edit(...)', ws .. '/typing.eci.json')
    nv.wait(8000, [[local c = vim.lsp.get_clients({ bufnr = 0, name = 'eci_exec' })[1]
      return c and c.initialized]], 'the client of typing.eci.json')
    nv.input('5GA,<CR>"S')
    -- A user looks before asking: the server has the typed text once its squiggle is there.
    nv.wait(5000, 'return #vim.diagnostic.get(0, { lnum = 5 }) > 0', 'a diagnostic on the typed line')
    nv.input('<C-x><C-o>')
    local info = nv.wait(5000, [[local i = vim.fn.complete_info({ 'items', 'selected', 'pum_visible' })
      return i.pum_visible == 1 and #i.items > 0 and i]], 'a completion menu')
    local words = vim.tbl_map(function(it) return it.abbr end, info.items)
    local at = vim.fn.index(words, 'Sync')
    assert(at >= 0, ('no Sync in the menu: %s'):format(vim.inspect(words)))
    nv.input(('<C-n>'):rep(at - info.selected) .. '<C-y><Esc>')
    local lines = nv.wait(5000, [[return vim.fn.mode() == 'n' and vim.fn.getline(6):find('Sync') and vim.fn.getline(1, '$')]],
      'Sync on line 6 in normal mode')
    assert(vim.trim(lines[6]) == '"Sync":', ('line 6 reads %q'):format(lines[6]))
    assert(lines[7] == '}', ('the line after was changed: %q'):format(lines[7]))
  end)
  nv.stop()
  assert(ok, err)
end)

H.test('vim.lsp.buf.format formats as the contract says', function()
  local fbuf = H.open(ws .. '/format.eci.json')
  vim.bo[fbuf].shiftwidth, vim.bo[fbuf].expandtab = 2, true
  vim.lsp.buf.format({ bufnr = fbuf, async = false, timeout_ms = 5000 })
  local want = vim.fn.readfile(ws .. '/format.eci.json.expected')
  local got = vim.api.nvim_buf_get_lines(fbuf, 0, -1, false)
  assert(vim.deep_equal(got, want), 'formatted text:\n' .. table.concat(got, '\n'))
  vim.cmd('bwipeout!')
end)

H.test('vim.lsp.foldexpr folds the object and the Execs array', function()
  vim.cmd.buffer(buf)
  vim.wo.foldmethod, vim.wo.foldexpr = 'expr', 'v:lua.vim.lsp.foldexpr()'
  H.wait(5000, function() return vim.fn.foldlevel(7) > 0 end, 'folds from the server')
  -- 1-based lines: 1 comment, 2 `{`, 6 `"Execs": [`, 7-12 entries, 14 `}`.
  local want = { [1] = 0, [2] = 1, [3] = 1, [6] = 2, [7] = 2, [12] = 2, [14] = 0 }
  for lnum, level in pairs(want) do
    assert(vim.fn.foldlevel(lnum) == level, ('line %d has fold level %d, want %d'):format(lnum, vim.fn.foldlevel(lnum), level))
  end
  vim.cmd('normal! zM')
  assert(vim.fn.foldclosed(7) == 2, 'closing all folds does not fold from line 2: ' .. vim.fn.foldclosed(7))
  vim.cmd('normal! zR')
  vim.fn.cursor(7, 1)
  vim.cmd('normal! zc')
  assert(vim.fn.foldclosed(7) == 6, 'zc on an entry does not fold the Execs array: ' .. vim.fn.foldclosed(7))
  vim.cmd('normal! zR')
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

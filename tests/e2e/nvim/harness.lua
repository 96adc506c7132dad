-- Owns: the tiny test harness for the headless Neovim e2e tests: start the plugin from the
-- repository, open a file, wait for things, and print `PASS name` / `FAIL name: why` lines
-- that tests/e2e/run.sh counts.
local H = {}

H.repo = assert(os.getenv('E2E_REPO'), 'E2E_REPO not set')
H.server = os.getenv('E2E_SERVER') or (H.repo .. '/target/debug/eci-exec-lsp')
H.passed, H.failed = 0, 0

function H.out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

--- Loads editors/nvim exactly as a user's plugin manager would and calls setup().
function H.start(settings)
  vim.opt.rtp:prepend(H.repo .. '/editors/nvim')
  vim.cmd('filetype plugin on')
  vim.cmd('syntax on')
  require('eci_exec').setup({
    cmd = { H.server },
    settings = vim.tbl_extend('force', { confirmRun = false }, settings or {}),
  })
end

--- Opens a file and waits until the eci_exec client is attached to it.
function H.open(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  local ok = vim.wait(8000, function()
    return #vim.lsp.get_clients({ bufnr = buf, name = 'eci_exec' }) > 0
  end, 20)
  assert(ok, ('no eci_exec client attached to %s (filetype=%q)'):format(path, vim.bo[buf].filetype))
  return buf, vim.lsp.get_clients({ bufnr = buf, name = 'eci_exec' })[1]
end

function H.wait(ms, pred, what)
  local ok = vim.wait(ms, function()
    local good, v = pcall(pred)
    return good and v
  end, 20)
  if not ok then error('timed out after ' .. ms .. ' ms waiting for ' .. what, 2) end
end

--- Runs one named test; errors become FAIL lines, never abort the file.
function H.test(name, fn)
  local t0 = vim.uv.hrtime()
  local ok, err = xpcall(fn, debug.traceback)
  local ms = math.floor((vim.uv.hrtime() - t0) / 1e6)
  if ok then
    H.passed = H.passed + 1
    H.out(('PASS nvim: %s (%d ms)'):format(name, ms))
  else
    H.failed = H.failed + 1
    H.out(('FAIL nvim: %s (%d ms): %s'):format(name, ms, tostring(err):gsub('\n', '\n    ')))
  end
end

function H.finish()
  for _, c in ipairs(vim.lsp.get_clients()) do c:stop(true) end
  os.exit(H.failed == 0 and 0 or 1)
end

--- Labels of a completion result (CompletionList or array).
function H.labels(result)
  local items = result and (result.items or result) or {}
  local out = {}
  for _, it in ipairs(items) do out[#out + 1] = it.label end
  return out
end

--- Cursor at the first occurrence of `text` on 0-based `line`, plus `offset` characters.
function H.pos_of(buf, line, text, offset)
  local l = vim.api.nvim_buf_get_lines(buf, line, line + 1, true)[1]
  local col = assert(l:find(text, 1, true), ('%q not on line %d: %s'):format(text, line, l))
  return { line = line, character = col - 1 + (offset or 0) }
end

--- A second Neovim, embedded and driven over RPC, for what needs typed keys: `nvim_input` goes
--- through the real input queue while that Neovim's own loop runs, as a user's typing does.
--- Set up like H.start(); returns { input(keys), lua(code, ...), wait(ms, code, what), stop() }.
function H.child(settings)
  local chan = vim.fn.jobstart({ vim.v.progpath, '--embed', '--headless', '--clean' }, { rpc = true })
  assert(chan > 0, 'could not start an embedded nvim')
  local C = {}
  function C.lua(code, ...) return vim.rpcrequest(chan, 'nvim_exec_lua', code, { ... }) end
  function C.input(keys) vim.rpcrequest(chan, 'nvim_input', keys) end
  --- Until the Lua chunk `code` returns a truthy value in the child; returns that value.
  function C.wait(ms, code, what)
    local got
    H.wait(ms, function() got = C.lua(code); return got end, what)
    return got
  end
  function C.stop() vim.fn.jobstop(chan) end
  C.lua([[
    local repo, server, settings = ...
    vim.opt.rtp:prepend(repo .. '/editors/nvim')
    vim.cmd('filetype plugin on')
    vim.o.swapfile = false
    require('eci_exec').setup({ cmd = { server }, settings = vim.tbl_extend('force', { confirmRun = false }, settings) })
  ]], H.repo, H.server, settings or vim.empty_dict())
  return C
end

--- Reads an expected.tsv (line<TAB>code) into a list.
function H.expected(path)
  local out = {}
  for l in io.lines(path) do
    local line, code = l:match('^(%d+)\t(%S+)')
    if line then out[#out + 1] = { line = tonumber(line), code = code } end
  end
  return out
end

return H

-- Owns: the zero-setup path: editors/nvim on 'runtimepath' (given with --cmd, as a plugin manager
-- would, before plugin/ files load), eci-exec-lsp on PATH, and only `vim.lsp.enable('eci_exec')`.
-- Run: PATH=<repo>/target/debug:$PATH nvim --headless --clean --cmd 'set rtp^=<repo>/editors/nvim' -l enable_test.lua
local H = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')

H.test('vim.lsp.enable alone: file type, commands and diagnostics', function()
  assert(vim.g.loaded_eci_exec, 'plugin/eci_exec.lua was not loaded from runtimepath')
  assert(vim.fn.exists(':EciExecRun') == 2, ':EciExecRun not defined')
  vim.lsp.config('eci_exec', { init_options = { online = false }, settings = { eciExec = { online = false } } })
  vim.lsp.enable('eci_exec')
  local buf = H.open(H.repo .. '/tests/e2e/workspace/offline/offline.eci.json')
  assert(vim.bo[buf].filetype == 'eci-exec')
  H.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 'diagnostics')
end)

H.finish()

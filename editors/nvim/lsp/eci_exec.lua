-- Owns: the Neovim 0.11 `vim.lsp.config` entry for eci-exec-lsp (found as lsp/eci_exec.lua on
-- 'runtimepath'), so `vim.lsp.enable('eci_exec')` alone works. `require('eci_exec').setup()` merges
-- user options over this table.

-- The contract's options with their defaults; sent both as init_options and, as the `eciExec`
-- section, with the workspace/didChangeConfiguration Neovim sends after initialize.
local options = { confirmRun = true, cacheTtlSeconds = 60, online = true, maxTargets = 20, runConcurrency = 8 }

return {
  cmd = { 'eci-exec-lsp' },
  filetypes = { 'eci-exec' },
  root_markers = { '.git' },
  init_options = options,
  settings = { eciExec = options },
  -- The filetype already equals the contract's language id; spelled out so a renamed filetype
  -- can never change what the server sees.
  get_language_id = function() return 'eci-exec' end,
  -- Lenses and code actions run `eciExec.run` through this: TTY and streamed entries open a
  -- terminal split instead (lua/eci_exec/session.lua).
  commands = {
    ['eciExec.run'] = function(command, ctx) require('eci_exec.session').run_command(command, ctx) end,
  },
  handlers = {
    ['eciExec/runResult'] = function(_, result, ctx)
      require('eci_exec.run').on_run_result(result, ctx)
    end,
  },
  on_attach = function(client, bufnr)
    require('eci_exec').on_attach(client, bufnr)
  end,
}

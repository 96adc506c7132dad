-- Owns: the plugin's entry point: setup(opts), file type detection, the per-buffer behaviour on
-- attach (inlay hints, code lens), and the user commands.
local M = {}

M.filetype = 'eci-exec'

-- The contract's file association: *.eci.json, *.eci.jsonc and any eci-exec.json.
function M.add_filetypes()
  vim.filetype.add({
    filename = { ['eci-exec.json'] = M.filetype },
    pattern = { ['.*%.eci%.jsonc?'] = M.filetype },
  })
end

local registered = false
--- File types and commands; safe to call more than once (plugin/ and setup() both call it).
function M.register()
  if registered then return end
  registered = true
  M.add_filetypes()
  vim.api.nvim_create_user_command('EciExecRun', function() require('eci_exec.run').run_at_cursor() end,
    { desc = 'Run the ECI exec entry under the cursor' })
  vim.api.nvim_create_user_command('EciExecRunAll', function() require('eci_exec.run').run_all_sync() end,
    { desc = 'Run every Sync entry of this exec config' })
  -- LspAttach as well as the config's on_attach: a user's own on_attach replaces ours in
  -- vim.lsp.config, and inlay hints and lenses must not be lost with it.
  vim.api.nvim_create_autocmd('LspAttach', {
    group = vim.api.nvim_create_augroup('eci_exec_attach', { clear = true }),
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if client and client.name == 'eci_exec' then M.on_attach(client, args.buf) end
    end,
  })
  vim.api.nvim_create_user_command('EciExecLastResult', function() require('eci_exec.run').show_last() end,
    { desc = 'Show the last eciExec/runResult again' })
end

--- Called on LspAttach and by lsp/eci_exec.lua's on_attach; idempotent.
function M.on_attach(client, bufnr)
  if client:supports_method('textDocument/inlayHint') then
    vim.lsp.inlay_hint.enable(true, { bufnr = bufnr })
  end
  if client:supports_method('textDocument/codeLens') then
    vim.lsp.codelens.refresh({ bufnr = bufnr })
    -- Lenses follow the entries; refresh when the user comes back or stops typing.
    local group = vim.api.nvim_create_augroup('eci_exec_codelens_' .. bufnr, { clear = true })
    vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'TextChanged' }, {
      group = group,
      buffer = bufnr,
      callback = function() vim.lsp.codelens.refresh({ bufnr = bufnr }) end,
    })
  end
end

--- setup({ cmd = {...}, settings = { endpoint = ..., confirmRun = false, ... }, enable = true })
--- `settings` holds the contract's options (profile, regionId, endpoint, signatureVersion,
--- confirmRun, cacheTtlSeconds, online, maxTargets, runConcurrency); anything else in opts is passed to vim.lsp.config as is.
function M.setup(opts)
  opts = vim.deepcopy(opts or {})
  M.register()
  local settings = opts.settings
  opts.settings = nil
  local enable = opts.enable ~= false
  opts.enable = nil
  if settings then
    local base = vim.lsp.config.eci_exec and vim.lsp.config.eci_exec.init_options or {}
    local merged = vim.tbl_extend('force', base, settings)
    opts.init_options = merged
    opts.settings = { eciExec = merged }
  end
  vim.lsp.config('eci_exec', opts)
  if enable then vim.lsp.enable('eci_exec') end
end

return M

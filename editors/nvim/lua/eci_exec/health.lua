-- Owns: `:checkhealth eci_exec`: Neovim version, server binary and its --version, credentials
-- (presence only: never print a value).
local M = {}

local function server_cmd()
  local cfg = vim.lsp.config.eci_exec
  return cfg and cfg.cmd
end

local function check_binary()
  vim.health.start('eci-exec-lsp binary')
  local cmd = server_cmd()
  if type(cmd) ~= 'table' or not cmd[1] then
    vim.health.error('no cmd in vim.lsp.config.eci_exec', { 'Is editors/nvim on runtimepath? Call require("eci_exec").setup()' })
    return
  end
  local exe = vim.fn.exepath(cmd[1])
  if exe == '' then
    vim.health.error(('%s not found (not an executable path, not on PATH)'):format(cmd[1]),
      { 'cargo install --path server', 'or require("eci_exec").setup({ cmd = { "/path/to/eci-exec-lsp" } })' })
    return
  end
  vim.health.ok('found ' .. exe)
  local ok, res = pcall(function() return vim.system({ exe, '--version' }, { text = true }):wait(5000) end)
  if ok and res.code == 0 and res.stdout ~= '' then
    vim.health.ok('version: ' .. vim.trim(res.stdout))
  else
    vim.health.error(('`%s --version` failed: %s'):format(exe, ok and vim.trim(res.stderr or '') or tostring(res)))
  end
end

local function check_credentials()
  vim.health.start('credentials (online features)')
  local found = {}
  if (vim.env.ALIBABA_CLOUD_ACCESS_KEY_ID or '') ~= '' and (vim.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET or '') ~= '' then
    table.insert(found, 'environment ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET')
  end
  for _, f in ipairs({ '~/.aliyun/config.json', '~/.alibabacloud/credentials' }) do
    if vim.fn.filereadable(vim.fn.expand(f)) == 1 then table.insert(found, f) end
  end
  if #found > 0 then
    vim.health.ok('found: ' .. table.concat(found, ', ') .. ' (first wins)')
  else
    vim.health.warn('no credentials: offline features work, online ones (Run, instance completion) are off', {
      'export ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET',
      'or configure the aliyun CLI (~/.aliyun/config.json)',
    })
  end
  local endpoint = vim.env.ECI_EXEC_ENDPOINT
  if endpoint and endpoint ~= '' then vim.health.info('ECI_EXEC_ENDPOINT is set: ' .. endpoint) end
end

function M.check()
  vim.health.start('Neovim')
  if vim.fn.has('nvim-0.11') == 1 then
    vim.health.ok('Neovim ' .. tostring(vim.version()))
  else
    vim.health.error('Neovim 0.11 or later is needed (vim.lsp.config / vim.lsp.enable)')
  end
  check_binary()
  check_credentials()
  local clients = vim.lsp.get_clients({ name = 'eci_exec' })
  vim.health.start('language server')
  if #clients > 0 then
    vim.health.ok(('%d eci_exec client(s) running'):format(#clients))
  else
    vim.health.info('no eci_exec client running (open a *.eci.json file)')
  end
end

return M

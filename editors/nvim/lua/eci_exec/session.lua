-- Owns: sessions from Neovim: the lenses (and :EciExecRun) of TTY entries (`▶ Open terminal`)
-- and other non-Sync entries (`▶ Stream`) open a split with a terminal buffer running the
-- server binary with the arguments of `eciExec.sessionArgs`; other entries keep `eciExec.run`.
local M = {}

--- The last session opened, for tests: { buf = , job = , title = , exit_code = (when ended) }.
M.last = nil

--- Whether a command's argument asks for a session (docs/lsp-extensions.md: lens `kind`).
function M.opens_session(command)
  local args = command and command.arguments and command.arguments[1]
  return type(args) == 'table' and (args.kind == 'terminal' or args.kind == 'stream')
end

--- The server binary the client runs (its cmd's first word); sessions run it too.
local function server_binary(client)
  local cmd = client.config.cmd
  if type(cmd) == 'table' and type(cmd[1]) == 'string' then return cmd[1] end
  return 'eci-exec-lsp'
end

--- Whether the user wants the confirmation (the `confirmRun` option, default true).
local function confirm_run(client)
  local settings = client.config.settings and client.config.settings.eciExec
  local options = settings or client.config.init_options or {}
  return options.confirmRun ~= false
end

--- The binary and its arguments: `--yes` right after `exec` only when confirmRun is false, so
--- the terminal's own `[y/N]` prompt is the confirmation.
function M.terminal_cmd(binary, args, confirm)
  local cmd = { binary }
  for i, arg in ipairs(args) do
    cmd[#cmd + 1] = arg
    if i == 1 and arg == 'exec' and not confirm then cmd[#cmd + 1] = '--yes' end
  end
  return cmd
end

--- Opens a split with a terminal buffer running the session of the command's entry.
function M.open(client, bufnr, command)
  local params = { command = 'eciExec.sessionArgs', arguments = command.arguments }
  client:request('workspace/executeCommand', params, function(err, result)
    if err or type(result) ~= 'table' then
      vim.notify('ECI Exec: ' .. (err and err.message or 'no session arguments'), vim.log.levels.ERROR)
      return
    end
    vim.schedule(function()
      local cmd = M.terminal_cmd(server_binary(client), result.args, confirm_run(client))
      vim.cmd('botright new')
      local buf = vim.api.nvim_get_current_buf()
      local session = { buf = buf, title = result.title }
      session.job = vim.fn.jobstart(cmd, {
        term = true,
        on_exit = function(_, code) session.exit_code = code end,
      })
      -- Named after the entry; the bufnr keeps two sessions of one entry apart.
      pcall(vim.api.nvim_buf_set_name, buf, ('eci-exec://%d/%s'):format(buf, result.title))
      M.last = session
      vim.cmd('startinsert')
    end)
  end, bufnr)
end

--- The client-side handler of `eciExec.run` (lenses and code actions go through it): a session
--- for terminal and stream entries, the server's command for the others.
function M.run_command(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if not client then return end
  if M.opens_session(command) then return M.open(client, ctx.bufnr, command) end
  client:request('workspace/executeCommand', { command = command.command, arguments = command.arguments },
    function(err)
      if err then vim.notify('ECI Exec: ' .. (err.message or tostring(err)), vim.log.levels.ERROR) end
    end, ctx.bufnr)
end

return M

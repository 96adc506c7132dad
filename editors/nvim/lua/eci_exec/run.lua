-- Owns: running entries from Neovim (:EciExecRun, :EciExecRunAll) and showing
-- `eciExec/runResult` notifications in a floating window (a fleet run: one section per target,
-- failures first).
local M = {}

local RUN_KIND = 'source.eciExec.run'

--- The last result received, per buffer, for :EciExecLastResult and for tests.
M.last = nil

local function client_for(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = 'eci_exec' })[1]
end

--- Runs the command as lenses do (a session for TTY and streamed entries).
local function execute(client, bufnr, command)
  require('eci_exec.session').run_command(command, { client_id = client.id, bufnr = bufnr })
end

--- Runs the entry under the cursor: asks the server for code actions of kind
--- `source.eciExec.run` at the cursor and executes the command of the first one.
function M.run_at_cursor()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_for(bufnr)
  if not client then
    vim.notify('ECI Exec: no eci_exec language server attached to this buffer', vim.log.levels.WARN)
    return
  end
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = {}, only = { RUN_KIND }, triggerKind = 1 }
  client:request('textDocument/codeAction', params, function(err, actions)
    if err then
      vim.notify('ECI Exec: ' .. err.message, vim.log.levels.ERROR)
      return
    end
    for _, a in ipairs(actions or {}) do
      if type(a.command) == 'string' then return execute(client, bufnr, a) end -- a bare Command
      if a.command and (a.kind == nil or vim.startswith(a.kind, RUN_KIND)) then
        return execute(client, bufnr, a.command)
      end
    end
    vim.notify('ECI Exec: no runnable entry under the cursor', vim.log.levels.INFO)
  end, bufnr)
end

--- Runs every Sync entry of the buffer: the lenses whose argument says `kind = "run"`
--- (docs/lsp-extensions.md).
function M.run_all_sync()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_for(bufnr)
  if not client then return end
  client:request('textDocument/codeLens', { textDocument = vim.lsp.util.make_text_document_params(bufnr) },
    function(_, lenses)
      for _, lens in ipairs(lenses or {}) do
        local args = lens.command and lens.command.arguments and lens.command.arguments[1]
        if type(args) == 'table' and args.kind == 'run' then execute(client, bufnr, lens.command) end
      end
    end, bufnr)
end

local ORDER = { failed = 0, skipped = 1, ok = 2 }
local MARK = { failed = '✗', skipped = '–', ok = '✓' }

local function text_of(v) return (v ~= nil and v ~= vim.NIL) and v or nil end

--- Lines of a fleet run: a summary, then one section per target (failures first): `✓ name (id)`
--- and its output (or error) indented.
local function fleet_lines(result)
  local targets = vim.deepcopy(result.targets)
  table.sort(targets, function(a, b)
    local ra, rb = ORDER[a.status] or 3, ORDER[b.status] or 3
    if ra ~= rb then return ra < rb end
    return (text_of(a.containerGroupName) or '') < (text_of(b.containerGroupName) or '')
  end)
  local lines = {}
  local s = text_of(result.summary)
  if s then lines[1] = ('%d ok, %d failed, %d skipped'):format(s.ok or 0, s.failed or 0, s.skipped or 0) end
  for _, t in ipairs(targets) do
    local head = ('%s %s (%s)'):format(MARK[t.status] or '?', text_of(t.containerGroupName) or t.containerGroupId,
      t.containerGroupId)
    if t.status == 'skipped' then
      table.insert(lines, head .. ' skipped: ' .. (text_of(t.reason) or ''))
    else
      table.insert(lines, head)
      local body = t.status == 'failed' and (text_of(t.error) or 'failed') or text_of(t.syncResponse)
      if body == nil or body == '' then body = '(no output)' end
      for _, l in ipairs(vim.split((body:gsub('\n$', '')), '\n', { plain = true })) do
        table.insert(lines, '  ' .. l)
      end
    end
  end
  return lines
end

--- Lines of the floating window for one result.
function M.lines(result)
  if type(result.targets) == 'table' then return fleet_lines(result) end
  local body
  if type(result.error) == 'string' then
    body = result.error -- the server words it: `✗ Code: Message` for an API error
  else
    body = result.syncResponse
    if body == nil or body == vim.NIL then body = '(no output)' end
  end
  local lines = vim.split((body:gsub('\n$', '')), '\n', { plain = true })
  if result.requestId and result.requestId ~= vim.NIL then
    table.insert(lines, '')
    table.insert(lines, 'RequestId: ' .. result.requestId)
  end
  return lines
end

--- Opens the floating window (closes on cursor move, like hover). Returns its window id.
--- A window of an earlier result is closed first: with the same focus_id, Neovim would
--- otherwise jump into that old window and show the old result.
function M.show(result)
  if M.win and vim.api.nvim_win_is_valid(M.win) then vim.api.nvim_win_close(M.win, true) end
  local name = type(result.name) == 'string' and result.name or ('entry ' .. (result.index or 0))
  local title = (' ECI Exec: %s '):format(name)
  local _, win = vim.lsp.util.open_floating_preview(M.lines(result), 'text', {
    border = 'rounded',
    title = title,
    focus_id = 'eci_exec_run_result',
    max_width = math.max(40, math.floor(vim.o.columns * 0.8)),
    max_height = math.max(5, math.floor(vim.o.lines * 0.6)),
  })
  M.win = win
  return win
end

function M.on_run_result(result, _ctx)
  M.last = result
  -- Handlers run in a fast context in some paths; windows must be opened on the main loop.
  vim.schedule(function() M.show(result) end)
end

function M.show_last()
  if M.last then M.show(M.last) else vim.notify('ECI Exec: no run result yet') end
end

return M

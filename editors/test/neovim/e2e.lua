-- Headless end-to-end test of the shipped Neovim config against a real cio-lsp.
--
-- Run by editors/test/neovim/run.sh as
--   nvim --headless --clean -u NONE -c 'luafile e2e.lua'
-- with the environment:
--   PATH          with `cio-lsp` on it: the shipped configs start `cio-lsp serve`, unchanged
--   CIO_LSP_BIN   the cio-lsp binary that PATH finds
--   CIO_NVIM_DIR  editors/neovim (added to 'runtimepath')
--   CIO_FILE      the example file to open, in a scratch copy of examples/
--   CIO_EXPECT_RULES  space-separated rule ids `cio-lsp check` reports for that file
--   CIO_MODE      'native' (0.11+: vim.lsp.enable with lsp/cio_lsp.lua as shipped),
--                 'legacy' (0.7+: require('cio_lsp').setup -> vim.lsp.start_client)
--                 or 'lspconfig' (require('cio_lsp').lspconfig() with nvim-lspconfig)
--   CIO_NVIM_LSPCONFIG  a checkout of nvim-lspconfig (mode 'lspconfig')
-- Every wait is on a condition with a timeout; each check prints `ok`/`not ok`.

local TIMEOUT = tonumber(os.getenv('CIO_TIMEOUT_MS') or '20000')
local failures = 0
local checks = 0

local function log(msg)
  io.stdout:write(msg .. '\n')
  io.stdout:flush()
end

local function check(ok, what, detail)
  checks = checks + 1
  if ok then
    log('ok - ' .. what)
  else
    failures = failures + 1
    log('not ok - ' .. what .. (detail and (': ' .. detail) or ''))
  end
  return ok
end

local function finish()
  log(string.format('neovim %s (%s): %d checks, %d failed', tostring(vim.version and (function()
    local v = vim.version()
    return v.major .. '.' .. v.minor .. '.' .. v.patch
  end)() or '?'), os.getenv('CIO_MODE') or '?', checks, failures))
  if failures > 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

local function fail_now(msg)
  check(false, msg)
  finish()
end

local function env(name)
  local v = os.getenv(name)
  if v == nil or v == '' then
    fail_now('environment variable ' .. name .. ' is not set')
  end
  return v
end

local function buf_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
end

local function cio_clients(bufnr)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  local out = {}
  for _, c in ipairs(get({ bufnr = bufnr })) do
    if c.name == 'cio_lsp' then
      table.insert(out, c)
    end
  end
  -- 0.7's get_active_clients ignores the filter: keep attached ones only.
  return vim.tbl_filter(function(c)
    return vim.lsp.buf_is_attached(bufnr, c.id)
  end, out)
end

local function diag_code(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function cio002(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if diag_code(d) == 'CIO002' then
      table.insert(found, d)
    end
  end
  return found
end

-- The distinct rule ids of the buffer's diagnostics, sorted and space-separated.
local function rule_ids(bufnr)
  local seen, ids = {}, {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = diag_code(d)
    if code and not seen[code] then
      seen[code] = true
      table.insert(ids, code)
    end
  end
  table.sort(ids)
  return table.concat(ids, ' ')
end

local function count(haystack, needle)
  return select(2, haystack:gsub(vim.pesc(needle), ''))
end

-- Build the LSP form of a vim.diagnostic entry for codeAction's context.
local function to_lsp(d)
  local lsp = (d.user_data and d.user_data.lsp) or {}
  return {
    range = {
      ['start'] = { line = d.lnum, character = d.col },
      ['end'] = { line = d.end_lnum or d.lnum, character = d.end_col or d.col },
    },
    severity = lsp.severity or d.severity,
    code = d.code or lsp.code,
    source = d.source or lsp.source,
    message = d.message,
    data = lsp.data,
  }
end

-- Client methods: `client:request_sync()` on 0.11+, `client.request_sync()` before.
local function request_sync(client, method, params, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request_sync(method, params, TIMEOUT, bufnr)
  end
  return client.request_sync(method, params, TIMEOUT, bufnr)
end

local function run()
  local bin = env('CIO_LSP_BIN')
  local dir = env('CIO_NVIM_DIR')
  local file = env('CIO_FILE')
  local mode = env('CIO_MODE')
  local expected = vim.split(vim.trim(env('CIO_EXPECT_RULES')), '%s+')
  table.sort(expected)
  expected = table.concat(expected, ' ')
  vim.opt.runtimepath:prepend(dir)
  vim.cmd('filetype on')
  check(vim.fn.exepath('cio-lsp') == vim.fn.resolve(bin) or vim.fn.resolve(vim.fn.exepath('cio-lsp')) == vim.fn.resolve(bin),
    'cio-lsp on PATH is the binary under test', vim.fn.exepath('cio-lsp'))

  -- Each mode uses the shipped defaults as they are: no `cmd` override.
  if mode == 'native' then
    if not check(vim.lsp.config ~= nil and vim.lsp.enable ~= nil, 'vim.lsp.config/vim.lsp.enable exist (Neovim 0.11+)') then
      return finish()
    end
    local files = vim.api.nvim_get_runtime_file('lsp/cio_lsp.lua', true)
    check(#files >= 1, 'lsp/cio_lsp.lua is on runtimepath')
    vim.lsp.enable('cio_lsp')
  elseif mode == 'legacy' then
    require('cio_lsp').setup({ legacy = true })
  elseif mode == 'lspconfig' then
    vim.opt.runtimepath:prepend(env('CIO_NVIM_LSPCONFIG'))
    local ok, lspconfig = pcall(require, 'lspconfig')
    if not check(ok, "nvim-lspconfig loads (require('lspconfig'))", tostring(lspconfig)) then
      return finish()
    end
    require('cio_lsp').lspconfig()
    lspconfig.cio_lsp.setup({})
  else
    return fail_now('unknown CIO_MODE ' .. mode)
  end

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  check(vim.bo[bufnr].filetype == 'typescript', 'example file opens as typescript', vim.bo[bufnr].filetype)

  local attached = vim.wait(TIMEOUT, function()
    return #cio_clients(bufnr) > 0
  end, 50)
  if not check(attached, 'cio_lsp client attached to the buffer') then
    return finish()
  end
  local client = cio_clients(bufnr)[1]
  check(client.config.cmd[1] == 'cio-lsp' and client.config.cmd[2] == 'serve',
    'the client runs the shipped command `cio-lsp serve`', vim.inspect(client.config.cmd))
  local initialized = vim.wait(TIMEOUT, function()
    return client.initialized ~= false and client.server_capabilities ~= nil
  end, 50)
  check(initialized, 'server initialised')
  local enc = client.offset_encoding or 'utf-16'

  local got = vim.wait(TIMEOUT, function()
    return #cio002(bufnr) > 0
  end, 50)
  if not check(got, 'CIO002 diagnostic published', vim.inspect(vim.diagnostic.get(bufnr))) then
    return finish()
  end
  -- The same rules as `cio-lsp check` for this file (they arrive in one publish).
  check(vim.wait(TIMEOUT, function()
    return rule_ids(bufnr) == expected
  end, 50), 'diagnostics cover exactly the rules cio-lsp check reports: ' .. expected, rule_ids(bufnr))
  local d = cio002(bufnr)[1]
  local line = vim.api.nvim_buf_get_lines(bufnr, d.lnum, d.lnum + 1, false)[1] or ''
  local flagged = line:sub(d.col + 1, (d.end_col or d.col))
  check(flagged == 'Date.now()', 'CIO002 range covers Date.now()', string.format('%q', flagged))
  check(d.source == 'cio-lsp', 'diagnostic source is cio-lsp', tostring(d.source))

  -- Settings are mirrored: turning CIO002 off through workspace/didChangeConfiguration removes
  -- the finding, turning it back on restores it.
  local function set_rule(sev)
    local settings = (vim.fn.has('nvim-0.11') == 1 and client.settings) or client.config.settings or {}
    settings.cioLsp = settings.cioLsp or {}
    settings.cioLsp.rules = { CIO002 = sev }
    if vim.fn.has('nvim-0.11') == 1 then
      client.settings = settings
      client:notify('workspace/didChangeConfiguration', { settings = settings })
    else
      client.config.settings = settings
      client.notify('workspace/didChangeConfiguration', { settings = settings })
    end
  end
  set_rule('off')
  check(vim.wait(TIMEOUT, function()
    return #cio002(bufnr) == 0
  end, 50), 'rules = { CIO002 = "off" } via didChangeConfiguration removes the finding')
  set_rule('error')
  check(vim.wait(TIMEOUT, function()
    return #cio002(bufnr) > 0
  end, 50), 'rules = { CIO002 = "error" } brings it back')
  d = cio002(bufnr)[1] or d

  -- Hover on the flagged call: raw request, then the user-facing K / vim.lsp.buf.hover.
  local hover_params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = d.lnum, character = d.col + 2 },
  }
  local hres = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', hover_params, TIMEOUT) or {}
  local hover_text = ''
  for _, r in pairs(hres) do
    if r.result and r.result.contents then
      local c = r.result.contents
      if type(c) == 'string' then
        hover_text = hover_text .. c
      elseif c.value then
        hover_text = hover_text .. c.value
      elseif (vim.islist or vim.tbl_islist)(c) then
        for _, part in ipairs(c) do
          hover_text = hover_text .. (type(part) == 'string' and part or (part.value or ''))
        end
      end
    end
  end
  check(hover_text ~= '', 'hover on the flagged call returns docs')
  check(hover_text:find('CIO002', 1, true) ~= nil or hover_text:lower():find('second', 1, true) ~= nil,
    'hover text mentions CIO002 or seconds', hover_text:sub(1, 200))

  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col + 2 })
  local wins_before = #vim.api.nvim_list_wins()
  vim.lsp.buf.hover()
  local float = vim.wait(TIMEOUT, function()
    for _, w in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(w).relative ~= '' then
        return true
      end
    end
    return false
  end, 50)
  check(float, 'vim.lsp.buf.hover() (K) opens a floating window', 'windows before: ' .. wins_before)
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      pcall(vim.api.nvim_win_close, w, true)
    end
  end

  -- The quick fix for the diagnostic. CIO002's rewrite: not "Disable CIO002 for this line", nor
  -- the fix of another finding whose range covers the cursor (CIO007 spans the whole identify
  -- call); the preferred one first.
  local function is_cio002_fix(a)
    local for_cio002 = false
    for _, ad in ipairs(a.diagnostics or {}) do
      for_cio002 = for_cio002 or ad.code == 'CIO002'
    end
    return (a.kind == nil or a.kind:find('^quickfix') ~= nil) and not a.title:find('^Disable') and for_cio002
  end
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col + 2 })
  if vim.fn.has('nvim-0.8') == 1 then
    -- As a user (or a keymap) asks for it: vim.lsp.buf.code_action with a filter and apply = true,
    -- which applies the one action left without a menu.
    local offered = {}
    vim.lsp.buf.code_action({
      context = { only = { 'quickfix' } },
      filter = function(a)
        table.insert(offered, a.title)
        return is_cio002_fix(a) and a.isPreferred == true
      end,
      apply = true,
    })
    vim.wait(TIMEOUT, function()
      return #offered > 0
    end, 50)
    log('# code actions: ' .. table.concat(offered, ' | '))
    check(#offered > 0, 'vim.lsp.buf.code_action is offered actions at the finding')
  else
    -- 0.7's vim.lsp.buf.code_action has neither filter nor apply: request and apply by hand.
    local ca_params = {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      range = to_lsp(d).range,
      context = { diagnostics = { to_lsp(d) }, only = { 'quickfix' } },
    }
    local cres = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', ca_params, TIMEOUT) or {}
    local action
    local titles = {}
    for _, r in pairs(cres) do
      for _, a in ipairs(r.result or {}) do
        table.insert(titles, a.title)
        if is_cio002_fix(a) and (action == nil or (a.isPreferred and not action.isPreferred)) then
          action = a
        end
      end
    end
    if not check(action ~= nil, 'a quickfix code action is offered', vim.inspect(cres)) then
      return finish()
    end
    log('# code actions: ' .. table.concat(titles, ' | '))
    if action.edit == nil and action.command == nil and action.data ~= nil then
      local rr = request_sync(client, 'codeAction/resolve', action, bufnr)
      if rr and rr.result then
        action = rr.result
      end
    end
    if action.edit then
      vim.lsp.util.apply_workspace_edit(action.edit, enc)
    end
    local cmd_obj = action.command
    if type(cmd_obj) == 'string' then
      cmd_obj = action
    end
    if cmd_obj and cmd_obj.command then
      request_sync(client, 'workspace/executeCommand', { command = cmd_obj.command, arguments = cmd_obj.arguments }, bufnr)
    end
  end

  local fixed = vim.wait(TIMEOUT, function()
    return buf_text(bufnr):find('created_at: Math.floor(Date.now() / 1000)', 1, true) ~= nil
  end, 50)
  check(fixed, 'quick fix rewrote created_at: Date.now() to Math.floor(Date.now() / 1000)', buf_text(bufnr))
  local text = buf_text(bufnr)
  check(count(text, 'Date.now()') == count(text, 'Math.floor(Date.now() / 1000)'),
    'every Date.now() in the file is now in seconds', text)

  local cleared = vim.wait(TIMEOUT, function()
    return #cio002(bufnr) == 0
  end, 50)
  check(cleared, 'CIO002 diagnostic cleared after the fix')

  finish()
end

local ok, err = pcall(run)
if not ok then
  fail_now('error: ' .. tostring(err))
end

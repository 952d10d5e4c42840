-- Helpers for Neovim versions before 0.11 and for nvim-lspconfig.
--
--   require('cio_lsp').setup({ ... })      -- Neovim 0.7+: start/attach cio-lsp on JS/TS buffers
--   require('cio_lsp').lspconfig()         -- register `cio_lsp` with nvim-lspconfig, then
--   require('lspconfig').cio_lsp.setup({}) -- as for any other lspconfig server
--
-- On Neovim 0.11+ prefer lsp/cio_lsp.lua with vim.lsp.enable('cio_lsp').
-- The defaults (cmd, filetypes, root markers, settings) come from lsp/cio_lsp.lua.

local M = {}

local function this_dir()
  local src = debug.getinfo(1, 'S').source:sub(2)
  return vim.fn.fnamemodify(src, ':p:h')
end

--- The shared defaults from lsp/cio_lsp.lua (a fresh copy each call).
function M.defaults()
  local files = vim.api.nvim_get_runtime_file('lsp/cio_lsp.lua', true)
  -- Prefer the file that ships next to this module.
  local own = this_dir() .. '/../../lsp/cio_lsp.lua'
  own = vim.fn.fnamemodify(own, ':p')
  local path = (vim.fn.filereadable(own) == 1) and own or files[1]
  assert(path, 'cio_lsp: lsp/cio_lsp.lua not found on runtimepath')
  return dofile(path)
end

--- Walks up from `start` looking for one of `markers`; returns the directory or nil.
function M.find_root(start, markers)
  local dir = vim.fn.fnamemodify(start, ':p')
  if vim.fn.isdirectory(dir) == 0 then
    dir = vim.fn.fnamemodify(dir, ':h')
  end
  while true do
    for _, marker in ipairs(markers) do
      local candidate = dir .. '/' .. marker
      if vim.fn.filereadable(candidate) == 1 or vim.fn.isdirectory(candidate) == 1 then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return nil
    end
    dir = parent
  end
end

local function merge(base, extra)
  return vim.tbl_deep_extend('force', base, extra or {})
end

local clients = {} -- root_dir -> client id

--- Starts (or reuses) a cio-lsp client for `bufnr` and attaches it. Works on 0.7+.
--- Returns the client id, or nil when the buffer has no name.
function M.attach(bufnr, opts)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local config = merge(M.defaults(), opts)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return nil
  end
  local root = config.root_dir or M.find_root(name, config.root_markers) or vim.fn.fnamemodify(name, ':p:h')
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    local settings = config.settings or {}
    local user_on_attach = config.on_attach
    id = vim.lsp.start_client({
      name = 'cio_lsp',
      cmd = config.cmd,
      root_dir = root,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
      init_options = settings.cioLsp,
      settings = settings,
      capabilities = config.capabilities,
      on_init = function(client)
        -- Mirror the settings after initialisation, as Neovim 0.11 does.
        client.notify('workspace/didChangeConfiguration', { settings = settings })
      end,
      on_attach = function(client, b)
        if config.keymaps ~= false then
          local function map(lhs, rhs, desc)
            if vim.fn.maparg(lhs, 'n') == '' then
              vim.keymap.set('n', lhs, rhs, { buffer = b, desc = desc })
            end
          end
          map('K', vim.lsp.buf.hover, 'cio-lsp: hover')
          map('gra', vim.lsp.buf.code_action, 'cio-lsp: code action')
        end
        if user_on_attach then
          user_on_attach(client, b)
        end
      end,
    })
    if id == nil then
      vim.notify('cio_lsp: could not start ' .. table.concat(config.cmd, ' '), vim.log.levels.ERROR)
      return nil
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Neovim 0.7+: attach cio-lsp to every buffer of a supported filetype.
--- On 0.11+ this simply calls vim.lsp.config/vim.lsp.enable.
function M.setup(opts)
  opts = opts or {}
  if vim.lsp.config ~= nil and vim.lsp.enable ~= nil and opts.legacy ~= true then
    vim.lsp.config('cio_lsp', opts)
    vim.lsp.enable('cio_lsp')
    return
  end
  local filetypes = opts.filetypes or M.defaults().filetypes
  local group = vim.api.nvim_create_augroup('cio_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = filetypes,
    callback = function(args)
      M.attach(args.buf, opts)
    end,
  })
  -- Buffers that were already open.
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and vim.tbl_contains(filetypes, vim.bo[b].filetype) then
      M.attach(b, opts)
    end
  end
end

--- Registers `cio_lsp` with nvim-lspconfig (the classic `configs` table).
function M.lspconfig()
  local configs = require('lspconfig.configs')
  local util = require('lspconfig.util')
  if configs.cio_lsp == nil then
    local d = M.defaults()
    configs.cio_lsp = {
      default_config = {
        cmd = d.cmd,
        filetypes = d.filetypes,
        root_dir = util.root_pattern(unpack(d.root_markers)),
        settings = d.settings,
        init_options = d.settings.cioLsp,
        single_file_support = true,
      },
      docs = {
        description = 'cio-lsp: flags Customer.io SDK integration mistakes in JavaScript/TypeScript.',
      },
    }
  end
  return configs.cio_lsp
end

return M

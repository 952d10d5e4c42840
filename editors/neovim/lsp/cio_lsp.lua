-- cio-lsp: Customer.io integration checks for JavaScript/TypeScript.
--
-- Neovim 0.11+: put this directory on 'runtimepath' (or copy this file to
-- ~/.config/nvim/lsp/cio_lsp.lua), then
--
--   vim.lsp.enable('cio_lsp')
--
-- and override anything with vim.lsp.config('cio_lsp', { ... }), e.g.
--
--   vim.lsp.config('cio_lsp', {
--     cmd = { '/path/to/cio-lsp', 'serve' },
--     settings = { cioLsp = { rules = { CIO010 = 'off' }, eventNameStyle = 'Title Case' } },
--   })
--
-- This file returns a plain table and requires nothing, so Neovim 0.7-0.10 can
-- load it too (see lua/cio_lsp/init.lua).

---@type vim.lsp.Config
return {
  cmd = { 'cio-lsp', 'serve' },
  filetypes = {
    'javascript',
    'javascriptreact',
    'javascript.jsx',
    'typescript',
    'typescriptreact',
    'typescript.tsx',
  },
  root_markers = { 'cio-lsp.toml', 'package.json', '.git' },
  -- Sent as `workspace/didChangeConfiguration` and answered to
  -- `workspace/configuration` requests for the `cioLsp` section.
  settings = {
    cioLsp = {
      enable = true,
      -- Per-rule severity: 'off' | 'info' | 'warning' | 'error', e.g. { CIO010 = 'off' }.
      rules = vim.empty_dict(),
      -- 'snake_case' | 'Title Case' | 'camelCase'
      eventNameStyle = 'snake_case',
      -- 'off' | 'messages' | 'verbose'
      trace = 'off',
    },
  },
  -- The same settings go out as initializationOptions.
  before_init = function(params, config)
    local settings = config.settings or {}
    params.initializationOptions = settings.cioLsp
  end,
}

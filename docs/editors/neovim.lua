-- FROM Lens in Neovim's built-in LSP client (vim.lsp.start: Neovim 0.8 or later), for init.lua.
-- Settings go in `settings.fromLens`: Neovim answers the server's workspace/configuration
-- requests from that table, and on_init sends it (older Neovims do not do that by themselves).
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'dockerfile',
  callback = function()
    vim.lsp.start({
      name = 'from-lens',
      cmd = { 'node', vim.fn.expand('~/from-lens/dist/server.js'), '--stdio' },
      root_dir = vim.fn.getcwd(),
      on_init = function(client)
        client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
      end,
      settings = {
        fromLens = {
          offline = false,
          defaultPlatform = 'linux/amd64',
          rules = { ['latest-tag'] = 'warning' },
        },
      },
    })
  end,
})

-- :FromLensOffline / :FromLensOnline switch a setting while the server runs: change the table
-- Neovim answers from, then tell the server (it asks again and applies it at once).
local function set_offline(offline)
  for _, client in ipairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    if client.name == 'from-lens' then
      client.config.settings.fromLens.offline = offline
      client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
    end
  end
end
vim.api.nvim_create_user_command('FromLensOffline', function() set_offline(true) end, {})
vim.api.nvim_create_user_command('FromLensOnline', function() set_offline(false) end, {})

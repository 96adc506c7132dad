-- Owns: the init file of the screen-level test (screen_test.sh): a real Neovim UI in tmux with
-- the plugin set up as a user would, so lenses, inlay hints and the float are drawn on screen.
local repo = assert(os.getenv('E2E_REPO'))
vim.opt.rtp:prepend(repo .. '/editors/nvim')
vim.o.swapfile = false
vim.o.shortmess = vim.o.shortmess .. 'I'
require('eci_exec').setup({
  cmd = { os.getenv('E2E_SERVER') or (repo .. '/target/debug/eci-exec-lsp') },
  settings = { confirmRun = false },
})

-- Owns: what loads at start-up without setup(): file type detection and the user commands,
-- so plain `vim.lsp.enable('eci_exec')` users get the same experience.
if vim.g.loaded_eci_exec then return end
vim.g.loaded_eci_exec = true
require('eci_exec').register()

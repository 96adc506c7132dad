-- Owns: buffer options for exec configs: JSON-with-comments highlighting and comment string.
vim.bo.commentstring = '// %s'
vim.bo.comments = 's1:/*,mb:*,ex:*/,://'
-- Neovim ships a jsonc syntax; reuse it rather than JSON's, which flags comments as errors.
if vim.bo.syntax == '' or vim.bo.syntax == 'eci-exec' then vim.bo.syntax = 'jsonc' end
pcall(vim.treesitter.language.register, 'json', 'eci-exec')
vim.b.undo_ftplugin = 'setl commentstring< comments< syntax<'

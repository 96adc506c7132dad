" Owns: the Vim 9 + yegappan/lsp e2e checks, run inside a real Vim under a pseudo-terminal by
" run_test.sh (after the vimrc that holds docs/editors.md's Vim block as printed): file type,
" diagnostics at the contract's lines, completion after a typed `"S` (accepting Sync from the
" popup menu), :LspHover, a quick fix through :LspCodeAction, and :LspFormat.
" Each test is a list of steps that a timer calls until they return 1, so keys typed with
" feedkeys() go through Vim's main loop as a user's would. Results go to $E2E_VIM_OUT.
let s:dir = $E2E_VIM_DIR
let s:out = $E2E_VIM_OUT
let s:tests = []
let s:cur = {}

func s:Out(line) abort
  call writefile([a:line], s:out, 'a')
endfunc

func s:Test(name, steps) abort
  call add(s:tests, #{name: a:name, steps: a:steps})
endfunc

func s:Check(ok, why) abort
  if !a:ok
    throw a:why
  endif
endfunc

" Passes a step once `cond` holds; until then `why` names what is awaited (for the timeout).
func s:Until(cond, why) abort
  let s:cur.why = a:why
  return a:cond
endfunc

func s:Tick(timer) abort
  if empty(s:cur)
    if empty(s:tests)
      call timer_stop(a:timer)
      call s:Out('DONE')
      qa!
    endif
    let s:cur = remove(s:tests, 0)
    call extend(s:cur, #{i: 0, t0: reltime(), why: ''})
  endif
  let ms = float2nr(reltimefloat(reltime(s:cur.t0)) * 1000)
  try
    if call(s:cur.steps[s:cur.i], [])
      let s:cur.i += 1
      let s:cur.why = ''
    elseif ms > 20000
      throw 'timed out at step ' . (s:cur.i + 1) . ' waiting for ' . s:cur.why
            \ . '; Vim''s messages: ' . execute('messages')
    endif
    if s:cur.i == len(s:cur.steps)
      call s:Out(printf('PASS vim: %s (%d ms)', s:cur.name, ms))
      let s:cur = {}
    endif
  catch
    call s:Out(printf('FAIL vim: %s (%d ms): %s', s:cur.name, ms, substitute(v:exception, '\n', ' | ', 'g')))
    let s:cur = {}
    call feedkeys("\<Esc>", 'n')
  endtry
endfunc

func s:Edit(name) abort
  execute 'hide edit' fnameescape(s:dir . '/' . a:name)
endfunc

" --- file type and the server --------------------------------------------------------------
func s:FileTypes() abort
  for name in ['x.eci.json', 'x.eci.jsonc', 'eci-exec.json']
    call s:Edit(name)
    call s:Check(&filetype ==# 'eci-exec', name . ' has filetype ' . &filetype)
    bwipeout!
  endfor
  call s:Edit('plain.json')
  call s:Check(&filetype ==# 'json', 'plain.json has filetype ' . &filetype)
  bwipeout!
  call s:Edit('offline.eci.json')
  return 1
endfunc
call s:Test('file type of *.eci.json(c) and eci-exec.json, and the server starts',
      \ [function('s:FileTypes'), {-> s:Until(LspServerReady(), 'the server to be ready')}])

" --- diagnostics -----------------------------------------------------------------------------
func s:Expected() abort
  let out = []
  for l in readfile($E2E_REPO . '/tests/e2e/workspace/offline/expected.tsv')
    let m = matchlist(l, '^\(\d\+\)\t\(\S\+\)')
    if !empty(m)
      call add(out, [str2nr(m[1]) + 1, m[2]])
    endif
  endfor
  return out
endfunc

func s:Diagnostics() abort
  let want = s:Expected()
  let n = values(lsp#lsp#ErrorCount())->reduce({a, b -> a + b}, 0)
  if !s:Until(n >= len(want), len(want) . ' diagnostics (have ' . n . ')')
    return 0
  endif
  " What :LspDiag show lists (lines and messages), and the codes the plugin keeps with them.
  LspDiag show
  wincmd p
  let shown = map(getloclist(0), {_, d -> d.lnum})
  lclose
  let got = map(lsp#diag#GetDiagsForBuf(), {_, d -> [d.range.start.line + 1, d.code]})
  for w in want
    call s:Check(index(got, w) >= 0, 'no ' . w[1] . ' at line ' . w[0] . '; got ' . string(got))
    call s:Check(index(shown, w[0]) >= 0, 'line ' . w[0] . ' not in :LspDiag show: ' . string(shown))
  endfor
  let check = systemlist('eci-exec-lsp check --format json ' . shellescape(expand('%:p')))
  let n = len(filter(check, {_, l -> l =~ '^\s*{'}))
  call s:Check(n == len(shown), 'check reports ' . n . ', :LspDiag show lists ' . len(shown))
  return 1
endfunc
call s:Test('diagnostics at the contract''s lines, as many as check reports', [function('s:Diagnostics')])

" --- hover -------------------------------------------------------------------------------------
func s:HoverText() abort
  let text = []
  for id in popup_list()
    let text += getbufline(winbufnr(id), 1, '$')
  endfor
  return join(text, "\n")
endfunc

func s:HoverStart() abort
  call cursor(7, stridx(getline(7), '"Sync"') + 3)
  LspHover
  let s:hover_asked = reltime()
  return 1
endfunc

func s:HoverSeen() abort
  let text = s:HoverText()
  if !s:Until(text =~# 'SyncResponse\|output', 'a hover popup about Sync (popups: ' . string(text) . ')')
    " The plugin closes its popup on any cursor or screen event; on a loaded machine one can
    " come before we look. Asking again (the answer is the same) tells that from no hover.
    if reltimefloat(reltime(s:hover_asked)) > 3.0
      call s:HoverStart()
    endif
    return 0
  endif
  call popup_clear()
  return 1
endfunc
call s:Test(':LspHover shows field docs', [function('s:HoverStart'), function('s:HoverSeen')])

" --- quick fix ---------------------------------------------------------------------------------
func s:FixStart() abort
  call cursor(8, stridx(getline(8), '"TTY"') + 1)
  LspCodeAction Set TTY to false
  return 1
endfunc
func s:Fixed() abort
  if !s:Until(getline(8) =~# '"TTY": false', 'line 8 to read "TTY": false: ' . getline(8))
    return 0
  endif
  call s:Check(getline(8) =~# '"Sync": true', 'line 8 lost Sync: ' . getline(8))
  return 1
endfunc
call s:Test(':LspCodeAction applies "Set TTY to false"', [function('s:FixStart'), function('s:Fixed')])

" --- completion after a typed prefix -------------------------------------------------------------
" The popup menu as yegappan/lsp fills it while typing; once it holds Sync, move to it and accept.
func s:TypeStart() abort
  call s:Edit('typing.eci.json')
  if !s:Until(LspServerReady(), 'the server for typing.eci.json')
    return 0
  endif
  call cursor(5, 1)
  call feedkeys("A,\<CR>\"S", 't')
  return 1
endfunc

func s:PickSync() abort
  let info = complete_info(['items', 'selected', 'pum_visible'])
  let words = map(copy(info.items), {_, it -> it.abbr})
  if !s:Until(info.pum_visible && index(words, 'Sync') >= 0,
        \ 'a completion menu with Sync (line ' . string(getline('.')) . ', menu ' . string(words) . ')')
    return 0
  endif
  call feedkeys(repeat("\<C-n>", index(words, 'Sync') - info.selected) . "\<C-y>\<Esc>", 't')
  return 1
endfunc

func s:Accepted() abort
  if !s:Until(mode() ==# 'n' && getline(6) =~# 'Sync', 'Sync in line 6: ' . string(getline(6)))
    return 0
  endif
  call s:Check(trim(getline(6)) ==# '"Sync":', 'line 6 reads ' . string(getline(6)))
  call s:Check(getline(7) ==# '}', 'the line after was changed: ' . string(getline(7)))
  return 1
endfunc
call s:Test('completion after a typed "S accepts Sync as "Sync": ',
      \ [function('s:TypeStart'), function('s:PickSync'), function('s:Accepted')])

" --- formatting --------------------------------------------------------------------------------
func s:FormatStart() abort
  call s:Edit('format.eci.json')
  if !s:Until(LspServerReady(), 'the server for format.eci.json')
    return 0
  endif
  setlocal shiftwidth=2 expandtab
  LspFormat
  return 1
endfunc

func s:Formatted() abort
  let want = readfile(s:dir . '/format.eci.json.expected')
  let got = getline(1, '$')
  return s:Until(got ==# want, 'the formatted text; have: ' . join(got, '\n'))
endfunc
call s:Test(':LspFormat formats as the contract says', [function('s:FormatStart'), function('s:Formatted')])

call timer_start(50, function('s:Tick'), #{repeat: -1})

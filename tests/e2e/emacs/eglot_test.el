;;; eglot_test.el --- Emacs + eglot e2e -*- lexical-binding: t -*-
;; Owns: the Emacs e2e with eglot, configured by docs/editors.md's snippets as printed: file type,
;; Flymake diagnostics at the contract's lines, completion after a typed `"S' (accepting Sync
;; from the *Completions* list), hover through ElDoc's function, a quick fix through
;; `eglot-code-actions', and `eglot-format-buffer'.
;; Run: E2E_REPO=/path/to/repo emacs --batch -l eglot_test.el (tests/e2e/run.sh does, with the
;; server on PATH and HOME in a fresh folder).
(load (expand-file-name "harness.el" (file-name-directory load-file-name)) nil t)
(package-activate-all) ; Debian's elpa-eglot on Emacs 28; a no-op for Emacs 29's own eglot
(e2e-load-doc-block "Emacs")
(e2e-load-doc-block "eglot")
(require 'eglot)
(setq eglot-sync-connect 10)
(setq js-indent-level 2) ; the fixtures' indentation, for RET while typing

(defun e2e-open (file)
  "Visits FILE and returns its buffer once eglot manages it."
  (find-file file)
  ;; eglot-ensure connects at the end of the current command: play the command loop's part.
  (run-hooks 'post-command-hook)
  (e2e-wait 15 (lambda () (and (eglot-current-server) (bound-and-true-p eglot--managed-mode)))
            (format "eglot to manage %s (mode %s)" file major-mode))
  (current-buffer))

(defun e2e-flymake-lines ()
  "Flymake's diagnostics as (LINE . TEXT), LINE 0-based."
  (mapcar (lambda (d) (cons (1- (line-number-at-pos (flymake-diagnostic-beg d)))
                            (flymake-diagnostic-text d)))
          (flymake-diagnostics)))

(let* ((dir (e2e-scratch "offline.eci.json" "typing.eci.json" "format.eci.json"
                         "format.eci.json.expected"))
       (offline (expand-file-name "offline.eci.json" dir))
       buf)

  (e2e-test "eglot: file type and language id"
    (lambda ()
      (dolist (name '("x.eci.json" "x.eci.jsonc" "eci-exec.json"))
        (e2e-check (eq (assoc-default (concat "/tmp/" name) auto-mode-alist #'string-match)
                       'eci-exec-mode)
                   "%s is not eci-exec-mode" name))
      (setq buf (e2e-open offline))
      (e2e-check (eq major-mode 'eci-exec-mode) "mode %s" major-mode)
      (e2e-check (derived-mode-p 'js-mode) "eci-exec-mode does not derive from js-mode")
      (e2e-check (equal (eglot--language-id (eglot-current-server)) "eci-exec")
                 "language id %S" (eglot--language-id (eglot-current-server)))))

  (e2e-test "eglot: Flymake shows the diagnostics at the contract's lines"
    (lambda ()
      (set-buffer buf)
      (let ((want (e2e-expected-diagnostics)) got)
        (e2e-wait 15 (lambda () (flymake-start) (setq got (e2e-flymake-lines))
                       (>= (length got) (length want)))
                  (format "%d diagnostics" (length want)))
        (dolist (w want)
          (e2e-check (cl-find-if (lambda (g) (and (= (car g) (car w))
                                                  (string-search (format "[%s]" (cdr w)) (cdr g))))
                                 got)
                     "no %s at line %d; got %S" (cdr w) (car w) got))
        (e2e-check (= (length got) (e2e-check-count offline))
                   "check reports %d, Flymake shows %d" (e2e-check-count offline) (length got)))))

  (e2e-test "eglot: hover (ElDoc) shows field docs"
    (lambda ()
      (set-buffer buf)
      (e2e-goto 6 "\"Sync\"" 2)
      (let (doc)
        (eglot-hover-eldoc-function (lambda (info &rest _) (setq doc (or info ""))))
        (e2e-wait 10 (lambda () doc) "the hover")
        (e2e-check (string-match-p "SyncResponse\\|output" doc) "hover of Sync: %S" doc))))

  (e2e-test "eglot: quick fix (eglot-code-actions) sets TTY to false"
    (lambda ()
      (set-buffer buf)
      ;; On the squiggle, as after `flymake-goto-next-error'.
      (goto-char (flymake-diagnostic-beg
                  (or (cl-find-if (lambda (d) (string-search "[sync-with-tty]" (flymake-diagnostic-text d)))
                                  (flymake-diagnostics))
                      (error "no sync-with-tty diagnostic"))))
      (let ((last-nonmenu-event ?\r) titles) ; a keyboard user: eglot asks with completing-read
        (cl-letf (((symbol-function 'completing-read)
                   (lambda (_prompt items &rest _)
                     (setq titles (mapcar #'car items))
                     (or (cl-find "Set TTY to false" titles :test #'string=)
                         (error "no \"Set TTY to false\" among %S" titles)))))
          (call-interactively #'eglot-code-actions)))
      (let ((line (e2e-line 7)))
        (e2e-check (string-match-p "\"TTY\": false" line) "line 8 after the fix: %s" line)
        (e2e-check (string-match-p "\"Sync\": true" line) "line 8 lost Sync: %s" line))))

  (e2e-test "eglot: completion after a typed \"S accepts Sync as \"Sync\": "
    (lambda ()
      (e2e-open (expand-file-name "typing.eci.json" dir))
      (e2e-goto 4 "]" 1)
      (execute-kbd-macro (kbd ", RET \" S"))
      (e2e-check (string-suffix-p "\"S" (e2e-line 5)) "typed line: %S" (e2e-line 5))
      ;; What word-filtering front ends (company, corfu) ask eglot's table: the words that start
      ;; with the one typed, matched against the server's filterText.
      (pcase-let ((`(,beg ,end ,table . ,_) (eglot-completion-at-point)))
        (let ((words (all-completions (buffer-substring beg end) table)))
          (e2e-check (member "Sync" words) "the table offers %S for %S" words
                     (buffer-substring beg end))))
      (completion-at-point)
      ;; Several fields start with S: go to the *Completions* window, and RET on Sync.
      (let ((win (e2e-wait 10 (lambda () (get-buffer-window "*Completions*"))
                           "a window showing the *Completions* list")))
        (with-selected-window win
          (goto-char (point-min))
          (unless (re-search-forward "\\_<Sync\\_>" nil t)
            (error "Sync not offered: %S" (buffer-string)))
          (goto-char (match-beginning 0))
          (choose-completion)))
      (e2e-wait 5 (lambda () (string-match-p "Sync" (e2e-line 5))) "Sync in the buffer")
      (e2e-check (equal (string-trim (e2e-line 5)) "\"Sync\":") "line 6 reads %S" (e2e-line 5))
      (e2e-check (equal (e2e-line 6) "}") "the line after was changed: %S" (e2e-line 6))))

  (e2e-test "eglot: eglot-format-buffer formats as the contract says"
    (lambda ()
      (e2e-open (expand-file-name "format.eci.json" dir))
      (setq-local indent-tabs-mode nil)
      (setq-local tab-width 2)
      (eglot-format-buffer)
      (let ((want (e2e-file-text (expand-file-name "format.eci.json.expected" dir))))
        (e2e-check (equal (buffer-string) want) "formatted text:\n%s\nwanted:\n%s"
                   (buffer-string) want)))))

(e2e-finish)

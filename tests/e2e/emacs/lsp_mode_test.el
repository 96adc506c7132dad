;;; lsp_mode_test.el --- Emacs + lsp-mode smoke e2e -*- lexical-binding: t -*-
;; Owns: the lsp-mode smoke test, configured by docs/editors.md's snippets as printed: opening an
;; exec config starts the server through the snippet's hook, and Flymake shows its diagnostics.
;; Run: E2E_REPO=/path/to/repo emacs --batch -l lsp_mode_test.el (through tests/e2e/run.sh).
(load (expand-file-name "harness.el" (file-name-directory load-file-name)) nil t)
(package-activate-all) ; Debian's elpa-lsp-mode
(e2e-load-doc-block "Emacs")
(e2e-load-doc-block "lsp-mode")
(require 'lsp-mode)
(setq lsp-restart 'ignore lsp-enable-file-watchers nil)

(let* ((dir (e2e-scratch "offline.eci.json"))
       (file (expand-file-name "offline.eci.json" dir)))
  ;; The answer to lsp-mode's one question ("import project root?"), given ahead.
  (lsp-workspace-folders-add dir)

  (e2e-test "lsp-mode: opening an exec config starts eci-exec-lsp"
    (lambda ()
      (find-file file)
      (e2e-check (eq major-mode 'eci-exec-mode) "mode %s" major-mode)
      ;; lsp-deferred starts the server once Emacs is idle: play the command loop's part.
      (e2e-wait 15 (lambda () (mapc #'timer-event-handler (copy-sequence timer-idle-list))
                     (and (bound-and-true-p lsp-mode) (lsp-workspaces)
                          (eq (lsp--workspace-status (car (lsp-workspaces))) 'initialized)))
                "an initialized lsp-mode workspace")
      (let ((ids (mapcar (lambda (w) (lsp--client-server-id (lsp--workspace-client w)))
                         (lsp-workspaces))))
        (e2e-check (equal ids '(eci-exec-lsp)) "workspaces %S" ids))
      (e2e-check (equal (lsp-buffer-language) "eci-exec") "language id %S" (lsp-buffer-language))))

  (e2e-test "lsp-mode: Flymake shows the server's diagnostics"
    (lambda ()
      (let ((want (e2e-expected-diagnostics)) got)
        (e2e-wait 15 (lambda () (bound-and-true-p flymake-mode)) "lsp-mode to turn Flymake on")
        (e2e-wait 15 (lambda () (flymake-start) (setq got (flymake-diagnostics))
                       (>= (length got) (length want)))
                  (format "%d diagnostics" (length want)))
        (let ((tty (cl-find-if (lambda (d) (string-match-p "Sync and TTY" (flymake-diagnostic-text d)))
                               got)))
          (e2e-check tty "no sync-with-tty diagnostic among %S" (mapcar #'flymake-diagnostic-text got))
          (e2e-check (= (line-number-at-pos (flymake-diagnostic-beg tty)) 8)
                     "sync-with-tty on line %d" (line-number-at-pos (flymake-diagnostic-beg tty))))))))

(e2e-finish)

;;; harness.el --- helpers of the Emacs batch e2e tests -*- lexical-binding: t -*-
;; Owns: what the Emacs e2e tests share: loading docs/editors.md's snippets as printed, PASS/FAIL
;; lines that tests/e2e/run.sh counts, waiting on the server, scratch copies of the fixtures.
;; Run through run.sh, which sets E2E_REPO, puts the server on PATH and HOME in a fresh folder.
(require 'cl-lib)
(require 'subr-x)

(defvar e2e-repo (file-name-as-directory (or (getenv "E2E_REPO") (error "E2E_REPO not set"))))
(defvar e2e-fixtures (expand-file-name "tests/e2e/workspace/offline/" e2e-repo))
(defvar e2e-failed 0)

(defun e2e-out (line)
  (princ (concat line "\n")))

(defun e2e-doc-block (heading)
  "The first elisp block after the line `## HEADING' (any level) of docs/editors.md."
  (with-temp-buffer
    (insert-file-contents (expand-file-name "docs/editors.md" e2e-repo))
    (unless (re-search-forward (concat "^#+ " (regexp-quote heading) "$") nil t)
      (error "docs/editors.md has no heading %s" heading))
    (re-search-forward "^```elisp\n")
    (let ((start (point)))
      (re-search-forward "^```$")
      (buffer-substring-no-properties start (match-beginning 0)))))

(defun e2e-load-doc-block (heading)
  "Evaluates the block under HEADING as a user's init file would."
  (with-temp-buffer
    (setq lexical-binding t)
    (insert (e2e-doc-block heading))
    (eval-buffer)))

(defun e2e-test (name fn)
  "Runs FN; prints `PASS emacs: NAME' or `FAIL emacs: NAME: why'. Never stops the file."
  (let ((t0 (float-time)))
    (condition-case err
        (progn (funcall fn)
               (e2e-out (format "PASS emacs: %s (%d ms)" name (* 1000 (- (float-time) t0)))))
      (error
       (setq e2e-failed (1+ e2e-failed))
       (e2e-out (format "FAIL emacs: %s (%d ms): %s" name (* 1000 (- (float-time) t0))
                        (error-message-string err)))))))

(defun e2e-wait (seconds pred what)
  "Lets process output and timers run until PRED is non-nil; its value, or an error naming WHAT."
  (let ((deadline (+ (float-time) seconds)) value)
    (while (and (not (setq value (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or value (error "Timed out after %ss waiting for %s" seconds what))))

(defun e2e-check (ok fmt &rest args)
  (unless ok (error "%s" (apply #'format fmt args))))

(defvar e2e-scratch-dirs nil "Folders made by `e2e-scratch', removed by `e2e-finish'.")

(defun e2e-scratch (&rest names)
  "A fresh folder holding copies of the fixtures NAMES; edits never touch the repository."
  (let ((dir (file-name-as-directory (make-temp-file "eci-e2e-" t))))
    (push dir e2e-scratch-dirs)
    (dolist (n names) (copy-file (expand-file-name n e2e-fixtures) (expand-file-name n dir)))
    dir))

(defun e2e-expected-diagnostics ()
  "The (LINE . CODE) pairs of tests/e2e/workspace/offline/expected.tsv, LINE 0-based."
  (with-temp-buffer
    (insert-file-contents (expand-file-name "expected.tsv" e2e-fixtures))
    (cl-loop while (re-search-forward "^\\([0-9]+\\)\t\\(\\S-+\\)" nil t)
             collect (cons (string-to-number (match-string 1)) (match-string 2)))))

(defun e2e-check-count (file)
  "How many diagnostics `eci-exec-lsp check' reports for FILE."
  (with-temp-buffer
    (call-process "eci-exec-lsp" nil t nil "check" "--format" "json" file)
    (how-many "^{" (point-min) (point-max))))

(defun e2e-goto (line text &optional offset)
  "Point at the first TEXT on 0-based LINE, plus OFFSET characters."
  (goto-char (point-min))
  (forward-line line)
  (unless (search-forward text (line-end-position) t)
    (error "%S not on line %d: %s" text line (thing-at-point 'line t)))
  (goto-char (+ (match-beginning 0) (or offset 0))))

(defun e2e-line (line)
  "The text of 0-based LINE."
  (save-excursion (goto-char (point-min)) (forward-line line)
                  (buffer-substring-no-properties (line-beginning-position) (line-end-position))))

(defun e2e-file-text (file)
  (with-temp-buffer (insert-file-contents file) (buffer-string)))

(defun e2e-finish ()
  (dolist (dir e2e-scratch-dirs) (delete-directory dir t))
  (kill-emacs (if (= e2e-failed 0) 0 1)))

(provide 'harness)
